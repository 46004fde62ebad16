"""Read-only reads of the published warehouse for verification (核查) work.

Every function opens a short-lived read-only DuckDB connection to the warehouse
(default: pension_risk.published.default_warehouse()) and closes it
before returning, so a nightly publish (os.replace) is never blocked and a reader
always sees one consistent file. Current recorded values come from the case store
(`overlay_store`), because the store changes between rebuilds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pandas as pd

from pension_risk import published
from pension_risk.cases.store import CASE_FIELDS, CASE_REVIEW_COLUMNS, CaseStore, default_store_path
from pension_risk.errors import PensionRiskError

REVIEW_FIELDS = CASE_REVIEW_COLUMNS

#: Columns of the worklist (ledger + descriptive columns), in display order.
LEDGER_COLUMNS = [
    "case_id", "case_type", "flag_id", "rule_code", "rule_name", "section", "subject_id", "suspect_id",
    "person_id", "person_name", "id_number", "county_code", "amount", "detected", "issued_on", "overdue",
    "matched_flag_ids", "evidence", "explanation", "priority",
    *CASE_FIELDS, "updated_at", *REVIEW_FIELDS, "version",
]


#: The worklist's order (风险台账): priority highest first (marts.case_ledger.priority:
#: overdue issued suspects, then the expected amount at stake); ties in a fixed order.
WORKLIST_ORDER = "l.priority desc, l.case_type, l.county_code, l.rule_code, l.subject_id, l.case_id"
#: The order explained in one sentence (worklist page, worklist xlsx).
PRIORITY_NOTE = ("排序：按优先级从高到低——逾期未核查的部省下发疑点在最前，其余按“涉及金额（无金额的问题项按设定的权重）"
                 "× 该问题项全市经复核属实的比例（（属实数+1）÷（复核数+2））”，可能属实且金额大的案件在前。")


def warehouse_path() -> Path:
    return published.default_warehouse()


def store_path(warehouse: Path | None = None, store: Path | None = None) -> Path:
    """The case store: explicit path, env PENSION_RISK_CASES, or beside the warehouse."""
    if store is not None:
        return Path(store)
    env = os.environ.get("PENSION_RISK_CASES")
    if env:
        return Path(env)
    return default_store_path(Path(warehouse) if warehouse is not None else warehouse_path())


@contextmanager
def connect(warehouse: Path | None = None) -> Iterator:
    import duckdb

    path = Path(warehouse) if warehouse is not None else warehouse_path()
    if not path.is_file():
        raise PensionRiskError(f"warehouse not found: {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise PensionRiskError(f"cannot open warehouse {path}: {str(exc).splitlines()[0]}") from exc
    try:
        yield con
    finally:
        con.close()


def _has_relation(con, schema: str, name: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()[0])


def warehouse_version(warehouse: Path | None = None) -> float:
    """Modification time of the published file: a cache key for dashboard reads."""
    path = Path(warehouse) if warehouse is not None else warehouse_path()
    return path.stat().st_mtime if path.exists() else 0.0


#: What the worklist shows beside a case, published as columns of marts.case_ledger (the mart joins the
#: person, the issued suspect and the flag's evidence and explanation); a hand-made or older ledger
#: without them reads as null.
LEDGER_DESCRIPTIVE_COLUMNS = ("person_name", "id_number", "evidence", "explanation")


def ledger(warehouse: Path | None = None, agency: str | None = None) -> pd.DataFrame:
    """Every case of the published ledger (marts.case_ledger, with the person's name, id number,
    the evidence and the explanation as the mart publishes them), in the worklist's order
    (WORKLIST_ORDER: priority, highest first); record columns as published (see overlay_store)."""
    with connect(warehouse) as con:
        if not _has_relation(con, "marts", "case_ledger"):
            raise PensionRiskError("the warehouse has no marts.case_ledger (run `pension-risk run` first)")
        has_priority = bool(con.execute(
            "select count(*) from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'case_ledger' and column_name = 'priority'").fetchone()[0])
        order = WORKLIST_ORDER if has_priority else WORKLIST_ORDER.replace("l.priority desc, ", "")
        df = con.execute(
            f"select l.* from marts.case_ledger l where (? is null or l.county_code = ?) order by {order}",
            [agency, agency],
        ).df()
    df = df.astype(object).where(df.notna(), None)
    for c in LEDGER_DESCRIPTIVE_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df["version"] = 0
    return df


def overlay_store(df: pd.DataFrame, store: Path) -> pd.DataFrame:
    """Replace the published record columns by the case store's current values
    (the store changes between rebuilds; the published ledger shows the last build)."""
    records = CaseStore(store).cases()
    df = df.copy()
    for f in (*CASE_FIELDS, "updated_at", *REVIEW_FIELDS, "version"):
        if f not in df.columns:
            df[f] = 0 if f == "version" else None
    df = df.astype({f: object for f in (*CASE_FIELDS, "updated_at", *REVIEW_FIELDS)})
    if not records:
        return df
    for i, case_id in zip(df.index, df["case_id"], strict=True):
        rec = records.get(case_id)
        if rec is None:
            continue
        for f in (*CASE_FIELDS, "updated_at", *REVIEW_FIELDS, "version"):
            value = rec[f]
            if value is not None and f == "recovered_amount":
                value = Decimal(value)
            elif value is not None and f == "verified_on":
                value = dt.date.fromisoformat(value)
            elif value is not None and f in ("updated_at", "reviewed_at"):
                value = dt.datetime.fromisoformat(value)
            df.at[i, f] = value
    return df


def worklist(warehouse: Path | None = None, agency: str | None = None, store: Path | None = None) -> pd.DataFrame:
    """The published ledger with the store's current values, in LEDGER_COLUMNS order."""
    df = overlay_store(ledger(warehouse, agency), store_path(warehouse, store))
    for c in LEDGER_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df["review_status"] = df["review_status"].fillna("未核查")
    return df[LEDGER_COLUMNS]


def case_identities(warehouse: Path | None = None) -> dict[str, dict]:
    """case_id -> identity (case_type, rule_code, subject_id, person_id, county_code) of every ledger case."""
    with connect(warehouse) as con:
        if not _has_relation(con, "marts", "case_ledger"):
            raise PensionRiskError("the warehouse has no marts.case_ledger (run `pension-risk run` first)")
        rows = con.execute(
            "select case_id, case_type, rule_code, subject_id, person_id, county_code from marts.case_ledger"
        ).fetchall()
    return {r[0]: {"case_type": r[1], "rule_code": r[2], "subject_id": r[3], "person_id": r[4],
                   "county_code": r[5]} for r in rows}


def case_detail(case_id: str, warehouse: Path | None = None, store: Path | None = None) -> dict | None:
    """One case: ledger row with evidence (parsed) and the store's current values."""
    df = ledger(warehouse)
    df = df[df["case_id"] == case_id]
    if df.empty:
        return None
    df = overlay_store(df, store_path(warehouse, store))
    row = df.iloc[0].to_dict()
    try:
        row["evidence_parsed"] = json.loads(row["evidence"]) if row.get("evidence") else None
    except (TypeError, ValueError):
        row["evidence_parsed"] = None
    return row


def checklist_items(warehouse: Path | None = None) -> pd.DataFrame:
    """The notice's self-inspection items (reference.checklist_items), in sort order."""
    with connect(warehouse) as con:
        if not _has_relation(con, "reference", "checklist_items"):
            raise PensionRiskError("the warehouse has no reference.checklist_items")
        return con.execute("select * from reference.checklist_items order by sort_order, item_code").df()


def agencies(warehouse: Path | None = None) -> pd.DataFrame:
    """agency_code, agency_name, sort_order (reference.agencies)."""
    with connect(warehouse) as con:
        if not _has_relation(con, "reference", "agencies"):
            return pd.DataFrame({"agency_code": [], "agency_name": [], "sort_order": []})
        return con.execute(
            "select agency_code, agency_name, sort_order from reference.agencies order by sort_order"
        ).df()


def rules(warehouse: Path | None = None) -> pd.DataFrame:
    with connect(warehouse) as con:
        if not _has_relation(con, "reference", "rule_catalogue"):
            return pd.DataFrame({"rule_code": [], "rule_name": []})
        return con.execute("select rule_code, rule_name, section from reference.rule_catalogue order by rule_code").df()


def as_of(warehouse: Path | None = None):
    with connect(warehouse) as con:
        if not _has_relation(con, "intermediate", "int_as_of"):
            return None
        row = con.execute("select as_of from intermediate.int_as_of").fetchone()
        return row[0] if row else None
