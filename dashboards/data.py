"""All data access of the dashboard (看板): one module, read-only warehouse, by role.

Every function here works for the logged-in account (``current()``, set by
dashboards/auth.py) and returns only what its role may receive:

- scope: a verifier or an agency-scoped reviewer or leader gets its agency only;
- masking: roles without the right to personal data (leader, admin, auditor) get
  every id number, name, phone and account masked by ``pension_risk.access.masking``
  before a value leaves this module, so no page, chart, caption, download or the
  page source can hold an unmasked value;
- rights: a page that is not the role's (``pension_risk.access.roles.pages_for``)
  gets :class:`NotAllowed`.

Warehouse reads open a short-lived read-only DuckDB connection to the published
file (pension_risk.published.default_warehouse()) and close it at
once, so a nightly run can publish a new file (os.replace) at any moment. Results
are cached with st.cache_data keyed on the published version, which is read
through the same connection as the data (``_version_of``), so a process that
DuckDB hands the replaced file's content never caches old data under a new key.
Writes (records, reviews, checklist answers, accounts) go through
``pension_risk.cases.service`` / ``pension_risk.access.accounts`` with the
account as the actor; the audit log gets every unmasked view, download, upload,
record and review.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pension_risk import published
from pension_risk.access import accounts as accounts_mod
from pension_risk.access import audit, masking
from pension_risk.access.roles import AccessDenied, Principal, pages_for
from pension_risk.cases import evidence as evidence_mod
from pension_risk.cases import queries, service
from pension_risk.cases.store import CaseStore
from pension_risk.report.columns import BASIC_COLUMNS, PROBLEM_COLUMNS, TOTAL_CODE, Column

PRINCIPAL_KEY = "pension_risk_principal"
SOURCE = "dashboard"

Version = tuple


class WarehouseUnavailable(Exception):
    """The published warehouse is missing or cannot be read (message is shown to the user)."""


class NotAllowed(AccessDenied):
    """The logged-in account may not open this page or read this data."""


# ---------------------------------------------------------------- who is asking

def current() -> Principal:
    """The logged-in account of this session (dashboards/auth.py), re-checked against the store."""
    principal = st.session_state.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise NotAllowed("请先登录。")
    return principal


def require_page(page: str) -> Principal:
    """First call of every page: the account may open this page, else NotAllowed."""
    principal = current()
    if page not in pages_for(principal):
        raise NotAllowed(f"账号 {principal.login}（{principal.role.label}）无权打开此页面。")
    return principal


def _need(capability: str, what: str) -> Principal:
    principal = current()
    if not getattr(principal.role, capability):
        raise NotAllowed(f"账号 {principal.login}（{principal.role.label}）无权{what}。")
    return principal


def note_unmasked_view(page: str, target: str) -> None:
    """Audit that this session was shown unmasked personal data (once per page and target)."""
    principal = current()
    if not masking.allowed(principal):
        return
    seen = st.session_state.setdefault("pension_risk_viewed", set())
    key = (page, target)
    if key in seen:
        return
    audit.log(store_path(), "view_unmasked", principal=principal, target=f"{page}:{target}", source=SOURCE)
    seen.add(key)


# ---------------------------------------------------------------- the published file

def warehouse_path() -> Path:
    return published.default_warehouse()


def store_path() -> Path:
    return queries.store_path(warehouse_path())


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.is_file():
        raise WarehouseUnavailable(
            f"找不到已发布的数据仓库文件：{path}（请先运行 pension-risk run，或设置环境变量 {published.WAREHOUSE_ENV}）"
        )
    last: Exception | None = None
    for attempt in range(3):  # a publish may replace the file between stat and open
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            last = exc
            time.sleep(0.2 * (attempt + 1))
    raise WarehouseUnavailable(f"无法打开数据仓库 {path}：{last}")


def _version_of(con: duckdb.DuckDBPyConnection, path: Path) -> Version:
    """The published version as this connection sees it: the publish record written into the
    file by the run (marts.publish_info), else the newest ingest and the file's identity."""
    try:
        row = con.execute("select * from marts.publish_info").fetchone()
        if row is not None:
            return ("publish",) + tuple(str(v) for v in row)
    except duckdb.Error:
        pass
    try:
        row = con.execute("select max(ingested_at), count(*) from marts.batch_audit").fetchone()
    except duckdb.Error:
        row = None
    stat = path.stat()
    return ("file", stat.st_ino, stat.st_size, stat.st_mtime_ns, str(row))


def warehouse_version(path: Path | None = None) -> Version:
    """The cache key of every query (read through a connection, see _version_of)."""
    path = path or warehouse_path()
    con = _connect(path)
    try:
        return _version_of(con, path)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=256)
def _query(sql: str, params: tuple, path: str, version: Version) -> pd.DataFrame:
    con = _connect(Path(path))
    try:
        if _version_of(con, Path(path)) != version:
            # DuckDB handed this process another version than the key: never cache it under this key
            raise _StaleVersion()
        return con.execute(sql, list(params)).df()
    except duckdb.CatalogException as exc:
        raise WarehouseUnavailable(f"数据仓库中缺少所需的表：{str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


class _StaleVersion(Exception):
    pass


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    path = warehouse_path()
    for _attempt in range(3):
        try:
            return _query(sql, params, str(path), warehouse_version(path)).copy()
        except _StaleVersion:
            time.sleep(0.2)
    raise WarehouseUnavailable("数据仓库正在更新，请稍后刷新页面。")


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


def _masked(df: pd.DataFrame) -> pd.DataFrame:
    return masking.frame(df, current())


# ---------------------------------------------------------------- official tables

def agencies() -> pd.DataFrame:
    """Agencies of the account's scope (all for city level)."""
    df = query("select agency_code, agency_name, sort_order from reference.agencies order by sort_order")
    principal = current()
    if principal.agency_code is not None:
        df = df[df["agency_code"] == principal.agency_code]
    return df


def summary_basic() -> pd.DataFrame:
    """附件1 rows (8 agencies + TOTAL; an agency-scoped leader: its own row) with the mart's column names."""
    _need("sees_reports", "查看统计报表")
    df = query("select * from marts.summary_basic order by sort_order")
    principal = current()
    if principal.agency_code is not None:
        df = df[df["agency_code"] == principal.agency_code]
    return df


def summary_problems(agency_code: str | None = None) -> pd.DataFrame:
    """附件2 rows of one agency (or all in scope), in section / item order."""
    _need("sees_reports", "查看统计报表")
    principal = current()
    if principal.agency_code is not None:
        agency_code = principal.agency_code
    if agency_code is None:
        return query("select * from marts.summary_problems order by agency_sort_order, item_order")
    return query("select * from marts.summary_problems where agency_code = ? order by item_order", (agency_code,))


def headline_row(df: pd.DataFrame) -> pd.Series:
    """The row a leader's headline shows: 全市合计, or the agency of an agency-scoped leader."""
    principal = current()
    code = principal.agency_code or TOTAL_CODE
    return df[df["agency_code"] == code].iloc[0]


def total_row(df: pd.DataFrame) -> pd.Series:
    return headline_row(df)


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


# ---------------------------------------------------------------- flags, clusters

def rules() -> pd.DataFrame:
    return query(
        "select rule_code, rule_name, section, section_name, has_amount from reference.rule_catalogue order by rule_code"
    )


def flags(rule_code: str | None = None, county_code: str | None = None) -> pd.DataFrame:
    """risk_flags with the agency name, in the account's scope, masked for its role."""
    _need("sees_reports", "查看疑点明细")
    principal = current()
    if principal.agency_code is not None:
        county_code = principal.agency_code
    explanation = ("f.explanation" if "explanation" in _columns("marts", "risk_flags")
                   else "cast(null as varchar) as explanation")
    sql = (
        "select f.flag_id, f.rule_code, f.rule_name, f.section, f.subject_type, f.subject_id, f.person_id, "
        f"f.county_code, a.agency_name, f.amount, f.first_seen_batch, f.evidence, {explanation} "
        "from marts.risk_flags f left join reference.agencies a on f.county_code = a.agency_code where 1 = 1"
    )
    params: list[Any] = []
    if rule_code:
        sql += " and f.rule_code = ?"
        params.append(rule_code)
    if county_code:
        sql += " and f.county_code = ?"
        params.append(county_code)
    return _masked(query(sql + " order by f.rule_code, f.county_code, f.subject_id", tuple(params)))


def _columns(schema: str, table: str) -> set[str]:
    df = query("select column_name from information_schema.columns where table_schema = ? and table_name = ?",
               (schema, table))
    return set(df["column_name"])


def evidence(text: str | None) -> Any:
    """A flag's evidence (already masked by flags()) parsed for display."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {"evidence": text}


def _evidence_reference() -> tuple[dict, dict]:
    """(key labels, code names) of reference.evidence_keys / code_names (+ agency names)."""
    if not (has_relation("reference.evidence_keys") and has_relation("reference.code_names")):
        return {}, {}  # a warehouse built before the seeds existed
    labels = {(r.rule_code if isinstance(r.rule_code, str) else "", r.key): (r.label, r.code_set
              if isinstance(r.code_set, str) and r.code_set else None)
              for r in query("select rule_code, key, label, code_set from reference.evidence_keys").itertuples()}
    names = {(r.code_set, r.code): r.name for r in query("select code_set, code, name from reference.code_names")
             .itertuples()}
    for r in query("select agency_code, agency_name from reference.agencies").itertuples():
        names[("agency", r.agency_code)] = r.agency_name
    return labels, names


def evidence_view(text: str | None, rule_code: str | None) -> evidence_mod.EvidenceView:
    """A flag's or case's evidence as the pages show it: masked for the role first (by its
    English keys, pension_risk.access.masking), then facts and record tables with Chinese
    headers and code names (pension_risk.cases.evidence). Empty values are blank."""
    principal = current()
    if not (principal.role.sees_reports or principal.role.sees_cases):
        raise NotAllowed(f"账号 {principal.login}（{principal.role.label}）无权查看疑点依据。")
    parsed = evidence(text)
    masked = masking.evidence(parsed, principal)
    labels, names = _evidence_reference()
    return evidence_mod.view(masked, rule_code, labels, names)


def evidence_frames(view: evidence_mod.EvidenceView) -> tuple[pd.DataFrame, list[tuple[str, pd.DataFrame]]]:
    """The facts as a two-column table (项目, 内容) and each record list as a table."""
    facts = pd.DataFrame(view.facts, columns=["项目", "内容"])
    tables = [(f"{t.title}（共{t.total}条）", pd.DataFrame(t.rows, columns=t.headers)) for t in view.tables]
    return facts, tables


def rule_outcomes() -> pd.DataFrame:
    """核查成效 (marts.rule_outcomes) in the account's scope: every rule × agency and the city
    TOTAL; an agency-scoped account gets its agency's rows only. No personal data."""
    principal = current()
    if not (principal.role.sees_reports or principal.role.reviews):
        raise NotAllowed(f"账号 {principal.login}（{principal.role.label}）无权查看核查成效。")
    df = query("select rule_code, rule_name, section, agency_code, agency_name, agency_sort_order, flags, reviewed, "
               "confirmed, not_confirmed, confirmed_rate, smoothed_confirmed_rate, recovered_amount "
               "from marts.rule_outcomes order by rule_code, agency_sort_order")
    if principal.agency_code is not None:
        df = df[df["agency_code"] == principal.agency_code]
    return _masked(df)


def flags_by_month() -> pd.DataFrame:
    """Flags by the batch in which they first fired (系统筛查疑点 trend), in scope."""
    _need("sees_reports", "查看统计报表")
    principal = current()
    return query(
        "select first_seen_batch as batch_id, count(*) as flags, sum(coalesce(amount, 0)) as amount "
        "from marts.risk_flags where (? is null or county_code = ?) group by 1 order by 1",
        (principal.agency_code, principal.agency_code),
    )


def payouts_by_month() -> pd.DataFrame:
    """Paid amount (万元) and payout rows per pay_month since screen_from (city level)."""
    _need("sees_reports", "查看统计报表")
    return query(
        "select pay_month, round(sum(case when is_paid then amount else 0 end) / 10000, 2) as paid_wan, "
        "count(*) as payout_rows from intermediate.int_payouts_screened group by 1 order by 1"
    )


def shared_account_clusters() -> pd.DataFrame:
    _need("sees_reports", "查看共用账户团伙")
    principal = current()
    df = query(
        "select c.cluster_id, c.account_no, c.person_id, c.id_number, c.name, c.county_code, a.agency_name "
        "from marts.shared_account_clusters c left join reference.agencies a on c.county_code = a.agency_code "
        "where (? is null or c.county_code = ?) "
        "order by c.cluster_id, c.account_no, c.person_id",
        (principal.agency_code, principal.agency_code),
    )
    return _masked(df)


# ---------------------------------------------------------------- quality and freshness

def data_quality_exceptions() -> pd.DataFrame:
    """Row-level problems; for roles without personal data: keys and reasons masked, raw lines withheld."""
    _need("sees_reports", "查看数据质量")
    columns = _columns("marts", "data_quality_exceptions")
    reason_zh = "reason_zh" if "reason_zh" in columns else "cast(null as varchar) as reason_zh"
    return _masked(query(
        f"select batch_id, file, row_number, key, reason, {reason_zh}, staged, raw_content "
        "from marts.data_quality_exceptions order by batch_id, file, row_number"
    ))


def batch_audit() -> pd.DataFrame:
    return _masked(query("select * from marts.batch_audit order by batch_id, file"))


def quality_checks() -> pd.DataFrame:
    """The quality gate's results, every delivered batch (newest first); empty before the gate existed."""
    _need("sees_reports", "查看数据质量")
    if "check_name" not in _columns("marts", "quality_checks"):
        return pd.DataFrame(columns=["batch_id", "batch_version", "file", "check_name", "severity", "passed",
                                     "observed", "expected", "detail", "checked_at"])
    return _masked(query(
        "select batch_id, batch_version, file, check_name, severity, passed, observed, expected, detail, checked_at "
        "from marts.quality_checks order by batch_id desc, batch_version desc, passed, severity, file, check_name"))


def quality_report() -> tuple[Path, bytes] | None:
    """The validation report written beside the published warehouse (expectations/report.py), if any."""
    from expectations.report import report_path

    _need("sees_reports", "查看数据质量")
    path = report_path(warehouse_path())
    try:
        return path, path.read_bytes()
    except OSError:
        return None


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def freshness() -> dict[str, Any]:
    """Newest batch, as_of, last successful ingest, and when the file was published (all Asia/Shanghai)."""
    as_of = query("select batch_id, as_of from intermediate.int_as_of")
    audit_rows = query(
        "select max(batch_id) filter (where status = 'accepted') as newest_accepted_batch, "
        "max(ingested_at) filter (where status = 'accepted') as last_accepted_at, "
        "max(ingested_at) as last_ingested_at, "
        "count(distinct batch_id) filter (where status = 'rejected') as rejected_batches "
        "from marts.batch_audit"
    )
    path = warehouse_path()
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, SHANGHAI).replace(tzinfo=None)
    row = audit_rows.iloc[0]
    return {
        "newest_batch": as_of["batch_id"].iloc[0] if len(as_of) else None,
        "as_of": pd.Timestamp(as_of["as_of"].iloc[0]).date() if len(as_of) else None,
        "newest_accepted_batch": row["newest_accepted_batch"],
        "last_accepted_at": shanghai_time(row["last_accepted_at"]),
        "last_ingested_at": shanghai_time(row["last_ingested_at"]),
        "rejected_batches": int(row["rejected_batches"] or 0),
        "published_at": mtime,
        "warehouse": path.name,
    }


def shanghai_time(value: Any) -> dt.datetime | None:
    """ingested_at is the server's local time (naive): shown in Asia/Shanghai."""
    if value is None or pd.isna(value):
        return None
    moment = pd.Timestamp(value).to_pydatetime()
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)  # a naive time is read as the server's local time


# ---------------------------------------------------------------- cases (核查)

@st.cache_data(show_spinner=False, max_entries=8)
def _ledger(path: str, version: Version) -> pd.DataFrame:
    return queries.ledger(Path(path))


def worklist() -> pd.DataFrame:
    """Every case of the account's scope, with the store's current values (unmasked: verification team)."""
    principal = _need("sees_cases", "查看案件")
    path = warehouse_path()
    df = _ledger(str(path), warehouse_version(path)).copy()
    if principal.agency_code is not None:
        df = df[df["county_code"] == principal.agency_code]
    df = queries.overlay_store(df, store_path())
    for c in queries.LEDGER_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df["review_status"] = df["review_status"].fillna("未核查")
    if "priority" in df.columns and df["priority"].notna().any():
        df = df.sort_values("priority", ascending=False, kind="stable", na_position="last")
    return df[queries.LEDGER_COLUMNS]


def case_detail(case_id: str) -> dict | None:
    """One case of the account's scope (None if not in the ledger); NotAllowed outside the scope."""
    principal = _need("sees_cases", "查看案件")
    path = warehouse_path()
    df = _ledger(str(path), warehouse_version(path))
    df = df[df["case_id"] == case_id]
    if df.empty:
        return None
    if not principal.in_scope(df["county_code"].iloc[0]):
        raise NotAllowed(f"账号 {principal.login}（{principal.role.label}，{principal.scope_label}）"
                         f"无权查看其他县区的案件 {case_id}。")
    df = queries.overlay_store(df, store_path())
    row = df.iloc[0].to_dict()
    row["review_status"] = row.get("review_status") or "未核查"
    try:
        row["evidence_parsed"] = json.loads(row["evidence"]) if row.get("evidence") else None
    except (TypeError, ValueError):
        row["evidence_parsed"] = None
    return row


def case_history(case_id: str) -> list[dict]:
    case_detail(case_id)  # scope check
    return CaseStore(store_path()).history(case_id)


def record_case(case_id: str, fields: dict, expected_version: int):
    return service.record_case(current(), case_id, fields, warehouse=warehouse_path(), store=store_path(),
                               expected_version=expected_version, source=SOURCE)


def review_case(case_id: str, decision: str, note: str | None, expected_version: int):
    return service.review_case(current(), case_id, decision, note, warehouse=warehouse_path(),
                               store=store_path(), expected_version=expected_version, source=SOURCE)


def checklist_items() -> pd.DataFrame:
    _need("sees_cases", "查看自查清单")
    return queries.checklist_items(warehouse_path())


def checklist_answers(agency_code: str) -> dict[str, dict]:
    principal = _need("sees_cases", "查看自查清单")
    if not principal.in_scope(agency_code):
        raise NotAllowed(f"账号 {principal.login} 无权查看 {agency_code} 的自查清单。")
    return {a["item_code"]: a for a in CaseStore(store_path()).checklist_answers(agency_code)}


def record_checklist(agency_code: str, item_code: str, fields: dict, expected_version: int):
    return service.record_checklist(current(), agency_code, item_code, fields, warehouse=warehouse_path(),
                                    store=store_path(), expected_version=expected_version, source=SOURCE)


def worklist_download(df: pd.DataFrame) -> tuple[str, bytes]:
    """The worklist xlsx (the same file as `cases export`) for the account's scope."""
    from pension_risk.cases.cli import worklist_bytes

    principal = _need("sees_cases", "下载台账")
    title = f"社保基金管理风险台账（{principal.scope_label}）"
    name = f"风险台账_{principal.agency_code or '全市'}_{dt.date.today():%Y%m%d}.xlsx"
    return name, worklist_bytes(df, title)


def sheets_download(agency_code: str) -> tuple[str, bytes, int]:
    """The agency's field-verification sheets (核查通知单, the same PDF as `cases sheets`):
    (file name, bytes, cases); unmasked, so only for the verification team of its scope."""
    import tempfile

    from pension_risk.cases.sheets import write_sheets

    principal = _need("sees_cases", "下载核查通知单")
    if not principal.in_scope(agency_code):
        raise NotAllowed(f"账号 {principal.login} 无权下载 {agency_code} 的核查通知单。")
    with tempfile.TemporaryDirectory(prefix="pension-risk-sheets-") as tmp:
        path, cases = write_sheets(warehouse_path(), agency_code, Path(tmp), store_path())
        content = path.read_bytes()
    audit.log(store_path(), "download", principal=principal, target=f"sheets:{agency_code}",
              detail=f"{cases} cases -> {path.name}", source=SOURCE)
    return path.name, content, cases


def log_download(name: str, rows: int) -> None:
    audit.log(store_path(), "download", principal=current(), target=f"worklist:{name}", detail=f"{rows} cases",
              source=SOURCE)


def worklist_upload(name: str, content: bytes):
    """A filled-in worklist uploaded by a verifier or reviewer: `cases import` as this account."""
    import tempfile

    from pension_risk.cases.cli import import_rows

    principal = current()
    if not (principal.role.records or principal.role.reviews):
        raise NotAllowed(f"账号 {principal.login}（{principal.role.label}）无权上传台账。")
    with tempfile.TemporaryDirectory(prefix="pension-risk-upload-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(content)
        report = import_rows(path, warehouse_path(), principal, store_path(), source=f"upload:{Path(name).name}")
    audit.log(store_path(), "upload", principal=principal, target=f"worklist:{Path(name).name}",
              detail=f"{report.rows} rows, {report.changed} changed, {report.unchanged} unchanged, "
                     f"{len(report.rejected)} rejected", source=SOURCE)
    return report


# ---------------------------------------------------------------- accounts (admin) and audit log (auditor)

def accounts() -> list[dict]:
    _need("manages_accounts", "管理账号")
    return accounts_mod.list_accounts(store_path())


def add_account(login: str, name: str, role_code: str, agency_code: str | None, password: str):
    principal = _need("manages_accounts", "管理账号")
    return accounts_mod.add_account(store_path(), login, name, role_code, agency_code, password,
                                    by=principal.login, source=SOURCE)


def disable_account(login: str) -> bool:
    principal = _need("manages_accounts", "管理账号")
    if login == principal.login:
        raise NotAllowed("不能停用自己正在使用的账号。")
    return accounts_mod.disable_account(store_path(), login, by=principal.login, source=SOURCE)


def audit_events(since: dt.date | None, login: str | None, action: str | None, limit: int = 5000) -> pd.DataFrame:
    principal = _need("reads_audit_log", "查阅审计日志")
    rows = audit.search(store_path(), since=since, login=login or None, action=action or None, limit=limit)
    seen = st.session_state.setdefault("pension_risk_audit_reads", set())
    if (since, login, action) not in seen:  # one row per search, not per rerun
        audit.log(store_path(), "audit_read", principal=principal, target="audit_log",
                  detail=f"since={since or ''}; login={login or ''}; action={action or ''}; {len(rows)} rows",
                  source=SOURCE)
        seen.add((since, login, action))
    return pd.DataFrame(rows, columns=list(audit.COLUMNS))
