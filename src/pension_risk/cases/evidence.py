"""疑点依据 (a flag's evidence) as a verifier reads it: Chinese labels, code names, tables.

A flag's evidence is a JSON document with English keys and codes (the facts that
triggered the rule). Here it becomes (1) the facts — label and value pairs — and
(2) one table per list of records (payouts, death records, operations, accounts, …)
with Chinese column headers. Labels come from seeds/evidence_keys.csv
(reference.evidence_keys: per key, optionally per rule, with the code set of its
values) and code names from seeds/code_names.csv (reference.code_names): the one
place of the wording, shared by the dashboard (dashboards/data.py) and the
field-verification sheets (sheets.py).

Pure functions on already-parsed (and, for the dashboard, already masked) evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: (rule_code or '', key) -> (label, code_set or None)
KeyLabels = dict[tuple[str, str], tuple[str, str | None]]
#: (code_set, code) -> name
CodeNames = dict[tuple[str, str], str]


@dataclass(frozen=True)
class Table:
    """One list of records of the evidence: its title and rows under Chinese headers."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    total: int  # records in the evidence (rows may hold fewer)


@dataclass(frozen=True)
class EvidenceView:
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def label(key_labels: KeyLabels, rule_code: str | None, key: str) -> tuple[str, str | None]:
    """The Chinese label of an evidence key (the rule's own first, then the common one) and its code set."""
    return key_labels.get((rule_code or "", key)) or key_labels.get(("", key)) or (key, None)


def display(code_names: CodeNames, value: Any, label_text: str, code_set: str | None, nothing: str = "",
            key_labels: KeyLabels | None = None, rule_code: str | None = None) -> str:
    """A value as text: code -> its Chinese name, 是/否, yuan with thousands separators
    (labels ending in (元)), lists joined with 、, nested records as 标签：值；…"""
    if value is None or value == "":
        return nothing
    if isinstance(value, bool):
        return "是" if value else "否"
    if code_set:
        name = code_names.get((code_set, str(value)))
        if name:
            return name
    if isinstance(value, list):
        return "、".join(display(code_names, v, label_text, code_set, nothing, key_labels, rule_code)
                        for v in value) or nothing
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            sub_label, sub_set = label(key_labels or {}, rule_code, k)
            parts.append(f"{sub_label}：{display(code_names, v, sub_label, sub_set, nothing, key_labels, rule_code)}")
        return "；".join(parts)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and "(元)" in label_text:
        return f"{Decimal(str(value)):,.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def view(evidence: Any, rule_code: str | None, key_labels: KeyLabels, code_names: CodeNames,
         skip: set[str] | frozenset[str] = frozenset(), max_rows: int | None = None,
         nothing: str = "") -> EvidenceView:
    """The evidence as facts (label, value) and record tables, in the evidence's own order."""
    if not isinstance(evidence, dict):
        if evidence in (None, "", [], {}):
            return EvidenceView()
        return EvidenceView(facts=[("疑点依据", display(code_names, evidence, "", None, nothing))])
    facts: list[tuple[str, str]] = []
    tables: list[Table] = []
    for key, value in evidence.items():
        if key in skip:
            continue
        text, code_set = label(key_labels, rule_code, key)
        if _is_records(value):
            columns = list(dict.fromkeys(k for item in value for k in item))
            headers = [label(key_labels, rule_code, c) for c in columns]
            shown = value if max_rows is None else value[:max_rows]
            rows = [[display(code_names, item.get(c), h[0], h[1], nothing, key_labels, rule_code)
                     for c, h in zip(columns, headers, strict=True)] for item in shown]
            tables.append(Table(text, [h[0] for h in headers], rows, len(value)))
        else:
            facts.append((text, display(code_names, value, text, code_set, nothing, key_labels, rule_code)))
    return EvidenceView(facts, tables)
