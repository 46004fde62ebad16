"""All data access of the dashboard (看板): one module, read-only, cached per published file.

Every query opens a short-lived read-only DuckDB connection to the published
warehouse (env PENSION_RISK_WAREHOUSE, default demo/warehouse.duckdb) and closes it
at once, so a nightly run can publish a new file (os.replace) at any moment: a
reader holding the old file keeps its inode, the next query opens the new one.
Results are cached with st.cache_data keyed on the file's (mtime, inode, size),
so a newly published file is picked up on the next rerun.

Personal data (id numbers, names, phones, accounts) is masked here unless the
caller asks for it unmasked (the sidebar toggle 显示完整个人信息).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pension_risk.report.columns import BASIC_COLUMNS, PROBLEM_COLUMNS, TOTAL_CODE, Column

DEFAULT_WAREHOUSE = Path("demo/warehouse.duckdb")
UNMASK_KEY = "unmask_personal_data"

Version = tuple[int, int, int]


class WarehouseUnavailable(Exception):
    """The published warehouse is missing or cannot be read (message is shown to the user)."""


def warehouse_path() -> Path:
    return Path(os.environ.get("PENSION_RISK_WAREHOUSE") or DEFAULT_WAREHOUSE)


def warehouse_version(path: Path | None = None) -> Version:
    """(mtime_ns, inode, size) of the published file: the cache key of every query."""
    path = path or warehouse_path()
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise WarehouseUnavailable(
            f"找不到已发布的数据仓库文件：{path}（请先运行 pension-risk run，或设置环境变量 PENSION_RISK_WAREHOUSE）"
        ) from exc
    return (stat.st_mtime_ns, stat.st_ino, stat.st_size)


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    last: Exception | None = None
    for attempt in range(3):  # a publish may replace the file between stat and open
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            last = exc
            time.sleep(0.2 * (attempt + 1))
    raise WarehouseUnavailable(f"无法打开数据仓库 {path}：{last}")


@st.cache_data(show_spinner=False, max_entries=256)
def _query(sql: str, params: tuple, path: str, version: Version) -> pd.DataFrame:
    con = _connect(Path(path))
    try:
        return con.execute(sql, list(params)).df()
    except duckdb.CatalogException as exc:
        raise WarehouseUnavailable(f"数据仓库中缺少所需的表：{str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    path = warehouse_path()
    return _query(sql, params, str(path), warehouse_version(path)).copy()


@st.cache_data(show_spinner=False, max_entries=16)
def _relations(path: str, version: Version) -> set[str]:
    con = _connect(Path(path))
    try:
        rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def has_relation(name: str) -> bool:
    path = warehouse_path()
    return name in _relations(str(path), warehouse_version(path))


# ---------------------------------------------------------------- masking (脱敏)

def mask_id(value: Any) -> Any:
    """340403********123X"""
    if not isinstance(value, str) or len(value) < 10:
        return value
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_account(value: Any) -> Any:
    if not isinstance(value, str) or len(value) < 8:
        return value
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_phone(value: Any) -> Any:
    if not isinstance(value, str) or len(value) < 7:
        return value
    return f"{value[:3]}****{value[-4:]}"


_MASKERS = {
    "id_number": mask_id, "holder_id_number": mask_id, "nid": mask_id, "holder_nid": mask_id,
    "name": mask_name, "holder_name": mask_name,
    "account_no": mask_account, "bank_account": mask_account, "cluster_id": mask_account,
    "phone": mask_phone,
}


def mask_json(value: Any) -> Any:
    """Mask personal fields of a parsed evidence document, recursively."""
    if isinstance(value, dict):
        return {k: (_MASKERS[k](v) if k in _MASKERS and not isinstance(v, dict | list) else mask_json(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(v) for v in value]
    return value


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for column, masker in _MASKERS.items():
        if column in df.columns:
            df[column] = df[column].map(masker)
    return df


def unmasked() -> bool:
    return bool(st.session_state.get(UNMASK_KEY, False))


# ---------------------------------------------------------------- official tables

def agencies() -> pd.DataFrame:
    return query("select agency_code, agency_name, sort_order from reference.agencies order by sort_order")


def summary_basic() -> pd.DataFrame:
    """附件1 rows (8 agencies + TOTAL) with the mart's column names."""
    return query("select * from marts.summary_basic order by sort_order")


def summary_problems(agency_code: str | None = None) -> pd.DataFrame:
    """附件2 rows of one agency (or all), in section / item order."""
    if agency_code is None:
        return query("select * from marts.summary_problems order by agency_sort_order, item_order")
    return query("select * from marts.summary_problems where agency_code = ? order by item_order", (agency_code,))


def _display_value(value: Any, column: Column) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    if column.kind == "amount":
        return f"{float(value):,.2f}"
    return f"{int(value):,d}"


def basic_display(df: pd.DataFrame) -> pd.DataFrame:
    """附件1 as shown: 填报单位 + the printed headers, figures formatted like the xlsx."""
    out = pd.DataFrame({"填报单位": df["agency_name"].tolist()})
    for column in BASIC_COLUMNS:
        out[column.label] = [_display_value(v, column) for v in df[column.name]]
    return out


def problems_display(df: pd.DataFrame) -> pd.DataFrame:
    """附件2 of one agency as shown: 排查内容 / 问题项 / 来源 + the printed headers."""
    out = pd.DataFrame({
        "排查内容": [f"{s}、{n}" for s, n in zip(df["section"], df["section_name"], strict=True)],
        "问题项": df["item_name"].tolist(),
        "问题来源": ["系统筛查" if t == "rule" else "自查" for t in df["item_type"]],
    })
    for column in PROBLEM_COLUMNS:
        out[column.label] = [_display_value(v, column) for v in df[column.name]]
    return out


def total_row(df: pd.DataFrame) -> pd.Series:
    return df[df["agency_code"] == TOTAL_CODE].iloc[0]


# ---------------------------------------------------------------- flags, clusters

def rules() -> pd.DataFrame:
    return query(
        "select rule_code, rule_name, section, section_name, has_amount from reference.rule_catalogue order by rule_code"
    )


def flags(rule_code: str | None = None, county_code: str | None = None) -> pd.DataFrame:
    """risk_flags with the agency name; personal data masked unless unmasked()."""
    sql = (
        "select f.flag_id, f.rule_code, f.rule_name, f.section, f.subject_type, f.subject_id, f.person_id, "
        "f.county_code, a.agency_name, f.amount, f.first_seen_batch, f.evidence "
        "from marts.risk_flags f left join reference.agencies a on f.county_code = a.agency_code where 1 = 1"
    )
    params: list[Any] = []
    if rule_code:
        sql += " and f.rule_code = ?"
        params.append(rule_code)
    if county_code:
        sql += " and f.county_code = ?"
        params.append(county_code)
    df = query(sql + " order by f.rule_code, f.county_code, f.subject_id", tuple(params))
    if not unmasked():
        subject_maskers = {"id_number": mask_id, "account_no": mask_account}
        df["subject_id"] = [subject_maskers.get(t, lambda v: v)(s) for t, s in zip(df["subject_type"], df["subject_id"], strict=True)]
        df["evidence"] = [json.dumps(mask_json(json.loads(e)), ensure_ascii=False) if isinstance(e, str) else e
                          for e in df["evidence"]]
    return df


def evidence(text: str | None) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {"evidence": text}


def flags_by_month() -> pd.DataFrame:
    """Flags by the batch in which they first fired (系统筛查疑点 trend)."""
    return query(
        "select first_seen_batch as batch_id, count(*) as flags, sum(coalesce(amount, 0)) as amount "
        "from marts.risk_flags group by 1 order by 1"
    )


def payouts_by_month() -> pd.DataFrame:
    """Paid amount (万元) and payout rows per pay_month since screen_from."""
    return query(
        "select pay_month, round(sum(case when is_paid then amount else 0 end) / 10000, 2) as paid_wan, "
        "count(*) as payout_rows from intermediate.int_payouts_screened group by 1 order by 1"
    )


def shared_account_clusters() -> pd.DataFrame:
    df = query(
        "select c.cluster_id, c.account_no, c.person_id, c.id_number, c.name, c.county_code, a.agency_name "
        "from marts.shared_account_clusters c left join reference.agencies a on c.county_code = a.agency_code "
        "order by c.cluster_id, c.account_no, c.person_id"
    )
    return df if unmasked() else mask_frame(df)


# ---------------------------------------------------------------- quality and freshness

def data_quality_exceptions() -> pd.DataFrame:
    return query(
        "select batch_id, file, row_number, key, reason, staged, raw_content "
        "from marts.data_quality_exceptions order by batch_id, file, row_number"
    )


def batch_audit() -> pd.DataFrame:
    return query("select * from marts.batch_audit order by batch_id, file")


def freshness() -> dict[str, Any]:
    """Newest batch, as_of, last successful ingest, and when the file was published."""
    as_of = query("select batch_id, as_of from intermediate.int_as_of")
    audit = query(
        "select max(batch_id) filter (where status = 'accepted') as newest_accepted_batch, "
        "max(ingested_at) filter (where status = 'accepted') as last_accepted_at, "
        "max(ingested_at) as last_ingested_at, "
        "count(distinct batch_id) filter (where status = 'rejected') as rejected_batches "
        "from marts.batch_audit"
    )
    path = warehouse_path()
    mtime = pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC").tz_convert("Asia/Shanghai").tz_localize(None)
    row = audit.iloc[0]
    return {
        "newest_batch": as_of["batch_id"].iloc[0] if len(as_of) else None,
        "as_of": pd.Timestamp(as_of["as_of"].iloc[0]).date() if len(as_of) else None,
        "newest_accepted_batch": row["newest_accepted_batch"],
        "last_accepted_at": row["last_accepted_at"],
        "last_ingested_at": row["last_ingested_at"],
        "rejected_batches": int(row["rejected_batches"] or 0),
        "published_at": mtime,
        "warehouse": str(path),
    }


def ensure_navigation() -> None:
    """Run the page through the entrypoint's st.navigation (call first on every page).

    A fresh server whose first request opens a page URL directly (e.g. /county)
    executes dashboards/pages/<page>.py in Streamlit's legacy pages-directory mode,
    without app.py (no sidebar toggle, no page titles). Switch to st.navigation
    mode and rerun: app.py then runs and resolves the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
