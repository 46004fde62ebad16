"""Read the official tables from a published warehouse (read-only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pension_risk.errors import PensionRiskError

Row = dict[str, Any]


@dataclass
class Summaries:
    """附件1 rows (8 agencies + TOTAL, in print order), 附件2 rows and 合计 row per agency_code."""

    as_of: dt.date | None
    basic: list[Row]
    problems: dict[str, list[Row]]  # agency_code -> rows in item order
    agency_names: dict[str, str]
    problem_totals: dict[str, Row]  # agency_code -> the sheet's 合计 row (marts.summary_problems_totals)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def open_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published warehouse, or a PensionRiskError saying why not."""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise PensionRiskError(f"warehouse not found: {warehouse}")
    if not warehouse.is_file():
        raise PensionRiskError(f"warehouse is not a file: {warehouse}")
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PensionRiskError(f"not a DuckDB warehouse: {warehouse} ({first_line})") from exc


def read_summaries(warehouse: Path) -> Summaries:
    con = open_warehouse(warehouse)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = {"summary_basic", "summary_problems", "summary_problems_totals"} - tables
        if missing:
            raise PensionRiskError(
                f"not a published warehouse: {warehouse} has no "
                + ", ".join(f"marts.{m}" for m in sorted(missing))
                + " (run `pension-risk run` first)"
            )
        basic = _rows(con, "select * from marts.summary_basic order by sort_order")
        problems_rows = _rows(con, "select * from marts.summary_problems order by agency_sort_order, item_order")
        totals_rows = _rows(con, "select * from marts.summary_problems_totals order by agency_sort_order")
    except duckdb.Error as exc:
        raise PensionRiskError(f"cannot read the official tables from {warehouse}: {exc}") from exc
    finally:
        con.close()
    if not basic:
        raise PensionRiskError(f"the warehouse {warehouse} holds no data yet (marts.summary_basic is empty)")
    problems: dict[str, list[Row]] = {}
    for row in problems_rows:
        problems.setdefault(row["agency_code"], []).append(row)
    return Summaries(
        as_of=basic[0].get("as_of"),
        basic=basic,
        problems=problems,
        agency_names={r["agency_code"]: r["agency_name"] for r in basic},
        problem_totals={r["agency_code"]: r for r in totals_rows},
    )
