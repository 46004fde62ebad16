"""Masking (脱敏) of personal data: the one place that decides what a role may receive.

Personal data are id numbers, names, phones, bank accounts and addresses. A role
without ``sees_personal_data`` (leader, admin, auditor) receives them masked in
every value the product sends it: table columns (by column name), a flag's
subject (by subject type), evidence documents (by key, recursively), and free
text such as data-quality reasons and raw lines (every run of 9 or more digits,
which covers id numbers, accounts and phones; raw lines are withheld entirely,
because the names in them cannot be told from other text).

The dashboard's data layer (dashboards/data.py) calls :func:`frame` /
:func:`evidence` / :func:`text` on everything it returns; pages only display.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from pension_risk.access.roles import Principal


def mask_id(value: Any) -> Any:
    """340403********123X (first 6, last 4)."""
    if not isinstance(value, str) or len(value) < 10:
        return "****" if isinstance(value, str) and value else value
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(value: Any) -> Any:
    """张** (the family name only)."""
    if not isinstance(value, str) or not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_account(value: Any) -> Any:
    """6217************6676 (first 4, last 4)."""
    if not isinstance(value, str) or len(value) < 8:
        return "****" if isinstance(value, str) and value else value
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_phone(value: Any) -> Any:
    """139****5678."""
    if not isinstance(value, str) or len(value) < 7:
        return "****" if isinstance(value, str) and value else value
    return f"{value[:3]}****{value[-4:]}"


def mask_address(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    return value[:3] + "***"


_DIGIT_RUN = re.compile(r"\d{9,}[0-9Xx]?")


def mask_text(value: Any) -> Any:
    """Free text: every run of 9+ digits (id numbers, accounts, phones) masked."""
    if not isinstance(value, str):
        return value
    return _DIGIT_RUN.sub(lambda m: mask_account(m.group(0)) if len(m.group(0)) < 15 else mask_id(m.group(0)),
                          value)


WITHHELD = "（已隐藏）"

#: Column or evidence key -> masker, by exact name. The one list of personal-data fields, with
#: the suffix rules of :func:`masker_for` (any *_name, *_id_number, *account_no of the evidence).
MASKERS: dict[str, Callable[[Any], Any]] = {
    "id_number": mask_id, "nid": mask_id, "holder_nid": mask_id,
    "name": mask_name,
    "account_no": mask_account, "bank_account": mask_account, "cluster_id": mask_account,
    "accounts": mask_account,
    "phone": mask_phone,
    "address": mask_address,
}
_SUFFIX_MASKERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("_id_number", mask_id), ("_name", mask_name), ("account_no", mask_account), ("_phone", mask_phone),
)


def masker_for(key: str) -> Callable[[Any], Any] | None:
    """The masker of a column or evidence key, or None when it holds no personal data."""
    if key in MASKERS:
        return MASKERS[key]
    for suffix, masker in _SUFFIX_MASKERS:
        if key.endswith(suffix) and key not in NOT_PERSONAL:
            return masker
    return None


#: Keys that match a suffix rule but hold no personal data (codes and names of things).
NOT_PERSONAL = frozenset({"rule_name", "agency_name", "section_name", "item_name", "scheme_name", "bank_name",
                          "check_name"})
#: Free-text columns masked as text; columns withheld entirely.
TEXT_COLUMNS = ("key", "reason", "reason_zh", "detail", "description", "evidence", "explanation")
WITHHELD_COLUMNS = ("raw_content",)
#: A flag's subject_id by subject type (RULES.md): personal ones are masked.
SUBJECT_MASKERS: dict[str, Callable[[Any], Any]] = {
    "id_number": mask_id, "account_no": mask_account, "nid": mask_id,
}


def allowed(principal: Principal) -> bool:
    return principal.role.sees_personal_data


def evidence(value: Any, principal: Principal) -> Any:
    """A parsed evidence document (dict / list), masked by key for roles without personal data."""
    if allowed(principal):
        return value
    return _mask_json(value)


def _mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            masker = masker_for(k)
            if masker is not None and isinstance(v, list):
                out[k] = [masker(x) if isinstance(x, str) else _mask_json(x) for x in v]
            elif masker is not None and not isinstance(v, dict):
                out[k] = masker(v)
            else:
                out[k] = _mask_json(v)
        return out
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    return mask_text(value)


def evidence_text(value: Any, principal: Principal) -> Any:
    """Evidence as JSON text, masked."""
    if allowed(principal) or not isinstance(value, str):
        return value
    try:
        return json.dumps(_mask_json(json.loads(value)), ensure_ascii=False)
    except ValueError:
        return mask_text(value)


def _personal_values(value: Any, out: dict[str, str]) -> None:
    """original -> masked, for every personal value of a parsed evidence document (by key)."""
    if isinstance(value, dict):
        for k, v in value.items():
            masker = masker_for(k)
            if masker is not None and isinstance(v, str) and v:
                out[v] = masker(v)
            elif masker is not None and isinstance(v, list):
                for x in v:
                    if isinstance(x, str) and x:
                        out[x] = masker(x)
                    else:
                        _personal_values(x, out)
            else:
                _personal_values(v, out)
    elif isinstance(value, list):
        for v in value:
            _personal_values(v, out)


def explanation(value: Any, evidence_value: Any, principal: Principal) -> Any:
    """A flag's Chinese explanation, masked: it is written from the evidence, so every personal
    value of the evidence (names, id numbers, accounts, by key) is replaced by its masked form
    wherever the sentence quotes it; then free-text masking (digit runs) as for any text."""
    if allowed(principal) or not isinstance(value, str):
        return value
    pairs: dict[str, str] = {}
    try:
        _personal_values(json.loads(evidence_value), pairs)
    except (TypeError, ValueError):
        pass
    for original in sorted(pairs, key=len, reverse=True):
        value = value.replace(original, pairs[original])
    return mask_text(value)


def text(value: Any, principal: Principal) -> Any:
    return value if allowed(principal) else mask_text(value)


def frame(df: pd.DataFrame, principal: Principal) -> pd.DataFrame:
    """Every personal-data column of a frame masked for roles without personal data."""
    if allowed(principal):
        return df
    df = df.copy()
    if "explanation" in df.columns and "evidence" in df.columns:  # before the evidence is masked
        df["explanation"] = [explanation(t, e, principal) for t, e in zip(df["explanation"], df["evidence"],
                                                                          strict=True)]
    for column in df.columns:
        masker = masker_for(str(column))
        if masker is not None:
            df[column] = df[column].map(masker)
        elif column in WITHHELD_COLUMNS:
            df[column] = [None if pd.isna(v) else WITHHELD for v in df[column]]
        elif column == "evidence":
            df[column] = df[column].map(lambda v: evidence_text(v, principal))
        elif column in TEXT_COLUMNS:
            df[column] = df[column].map(mask_text)
    if "subject_id" in df.columns:
        types = df["subject_type"] if "subject_type" in df.columns else pd.Series([None] * len(df), index=df.index)
        df["subject_id"] = [SUBJECT_MASKERS.get(t, mask_text)(s) for t, s in zip(types, df["subject_id"], strict=True)]
    return df
