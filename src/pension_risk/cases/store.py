"""The case store (风险台账的人工记录): verification records that no rebuild touches.

SQLite (stdlib ``sqlite3``) in WAL mode at ``--cases PATH`` or, by default, beside
the warehouse (``<warehouse>.cases.sqlite``), never inside the warehouse file that
a rebuild replaces. Writes run in ``BEGIN IMMEDIATE`` transactions (one writer at
a time, readers never blocked) with a busy timeout, and read the current row
inside the same transaction before writing it: two processes recording at the
same time lose no update. A caller that showed a user an older version of a case
may pass ``expected_version``; the write is then refused if someone else changed
the case meanwhile (optimistic check for the dashboard form).

Only what people recorded is stored (cases are created lazily, on the first
record), plus the full change history: one row per changed field (who, when,
old value, new value). Recording the same values again changes nothing (no
version bump, no history row), which makes re-importing a worklist idempotent.

Tables:

- ``cases``: one row per case (case_id = flag_id, or 'SUS-' || 疑点编号), its
  current record, the identity of its flag (rule_code, subject_id, person_id,
  county_code, kept when the flag stops firing), version, created/updated stamps.
- ``case_history``: (case_id, version, field, old_value, new_value, changed_by,
  changed_at, source).
- ``checklist_answers``: self-inspection (自查) answers per (agency_code, item_code).
- ``checklist_history``: as case_history, for checklist answers.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pension_risk.errors import PensionRiskError

SCHEMA_VERSION = 2
#: The store holds personal data and the audit log: owner and group only (the dashboard's
#: service account is in the group and writes records and audit rows).
FILE_MODE = 0o660
BUSY_TIMEOUT_MS = 30_000

CONCLUSIONS = ("属实", "不属实", "核查中")
RECTIFICATION_STATUSES = ("未整改", "整改中", "已整改")
CHECKLIST_ANSWERS = ("存在", "不存在")
#: Review states of a case (INTERFACE.md "Access, roles and review").
REVIEW_STATES = ("未核查", "待复核", "已复核", "已退回")
REVIEWED = "已复核"
#: A reviewer's decision and the state it leads to.
REVIEW_DECISIONS = {"通过": "已复核", "退回": "已退回"}
CASE_TYPES = ("flag", "suspect")

#: Fields a person records on a case, in display order, with their Chinese labels.
CASE_FIELDS: dict[str, str] = {
    "conclusion": "核查结论",
    "problem_note": "问题说明",
    "recovered_amount": "追回金额",
    "rectification_status": "整改状态",
    "rectification_measures": "整改措施",
    "verified_by": "核查人",
    "verified_on": "核查日期",
}
#: Identity of the case's flag, stored when the case is first recorded.
IDENTITY_FIELDS = ("rule_code", "subject_id", "person_id", "county_code")
CHECKLIST_FIELDS: dict[str, str] = {
    "answer": "是否存在",
    "note": "说明",
    "rectification_status": "整改状态",
}

#: raw.case_records columns (docs/DESIGN.md) followed by the store's identity columns.
CASE_RECORD_COLUMNS = [
    "case_id", "case_type", "flag_id", "suspect_id", "conclusion", "problem_note",
    "recovered_amount", "rectification_status", "rectification_measures", "verified_by",
    "verified_on", "updated_at",
]
#: Review columns of raw.case_records (after the identity columns): the 复核 state of each case.
CASE_REVIEW_COLUMNS = ["review_status", "reviewed_by", "reviewed_at", "review_note"]
CASE_RECORD_EXTRA_COLUMNS = [*IDENTITY_FIELDS, *CASE_REVIEW_COLUMNS]
CHECKLIST_ANSWER_COLUMNS = [
    "agency_code", "item_code", "answer", "note", "rectification_status", "updated_by", "updated_at",
]

#: The store's schema, one statement per item (triggers contain semicolons).
_DDL: list[str] = [
    """create table if not exists meta (
    key text primary key,
    value text not null
)""",
    """create table if not exists cases (
    case_id text primary key,
    case_type text not null check (case_type in ('flag', 'suspect')),
    flag_id text,
    suspect_id text,
    rule_code text,
    subject_id text,
    person_id text,
    county_code text,
    conclusion text check (conclusion is null or conclusion in ('属实', '不属实', '核查中')),
    problem_note text,
    recovered_amount text,
    rectification_status text
        check (rectification_status is null or rectification_status in ('未整改', '整改中', '已整改')),
    rectification_measures text,
    verified_by text,
    verified_on text,
    review_status text not null default '未核查'
        check (review_status in ('未核查', '待复核', '已复核', '已退回')),
    reviewed_by text,
    reviewed_at text,
    review_note text,
    version integer not null default 0,
    created_by text not null,
    created_at text not null,
    updated_by text not null,
    updated_at text not null
)""",
    """create table if not exists case_history (
    history_id integer primary key autoincrement,
    case_id text not null references cases (case_id),
    version integer not null,
    field text not null,
    old_value text,
    new_value text,
    changed_by text not null,
    changed_at text not null,
    source text
)""",
    """create index if not exists case_history_case on case_history (case_id, history_id)""",
    """create table if not exists checklist_answers (
    agency_code text not null,
    item_code text not null,
    answer text check (answer is null or answer in ('存在', '不存在')),
    note text,
    rectification_status text
        check (rectification_status is null or rectification_status in ('未整改', '整改中', '已整改')),
    version integer not null default 0,
    updated_by text not null,
    updated_at text not null,
    primary key (agency_code, item_code)
)""",
    """create table if not exists checklist_history (
    history_id integer primary key autoincrement,
    agency_code text not null,
    item_code text not null,
    version integer not null,
    field text not null,
    old_value text,
    new_value text,
    changed_by text not null,
    changed_at text not null,
    source text
)""",
    # accounts (权限): real-name logins of the dashboard and the CLI; never in the warehouse
    """create table if not exists accounts (
    login text primary key,
    name text not null,
    role text not null check (role in ('leader', 'verifier', 'reviewer', 'admin', 'auditor')),
    agency_code text,
    status text not null default 'active' check (status in ('active', 'disabled')),
    password_hash text not null,
    failed_logins integer not null default 0,
    locked_until text,
    created_by text not null,
    created_at text not null,
    disabled_by text,
    disabled_at text
)""",
    # the audit log (审计日志): append-only, enforced by the database itself
    """create table if not exists audit_log (
    audit_id integer primary key autoincrement,
    at text not null,
    login text,
    role text,
    action text not null,
    target text,
    detail text,
    source text
)""",
    "create index if not exists audit_log_at on audit_log (at)",
    """create trigger if not exists audit_log_no_update before update on audit_log
begin select raise(abort, 'audit_log is append-only: rows are never updated'); end""",
    """create trigger if not exists audit_log_no_delete before delete on audit_log
begin select raise(abort, 'audit_log is append-only: rows are never deleted'); end""",
]

#: Columns added to ``cases`` by schema version 2 (review, 复核), for a store made by version 1.
_CASES_V2_COLUMNS = {
    "review_status": "text not null default '未核查'"
                     " check (review_status in ('未核查', '待复核', '已复核', '已退回'))",
    "reviewed_by": "text",
    "reviewed_at": "text",
    "review_note": "text",
}


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what, for the audit row written in the same transaction as the change
    (so a saved change always has its audit row, even when the disk fills up right after)."""

    action: str
    login: str | None
    role: str | None
    target: str
    source: str | None


def append_audit(con: sqlite3.Connection, stamp: str, login: str | None, role: str | None, action: str,
                 target: str | None, detail: str | None, source: str | None) -> None:
    """Append one audit row on an open write transaction (pension_risk.access.audit owns the log)."""
    con.execute(
        "insert into audit_log (at, login, role, action, target, detail, source) values (?, ?, ?, ?, ?, ?, ?)",
        (stamp, (login or "")[:64] or None, role, action, target, detail, source),
    )


class CaseStoreError(PensionRiskError):
    """A record the store cannot accept (bad value, unknown code, ...)."""


class StoreFull(CaseStoreError):
    """The file system of the case store is full (SQLITE_FULL / ENOSPC): nothing of the change was saved."""


def _store_error(path: Path, exc: sqlite3.Error, what: str = "") -> CaseStoreError:
    """One clear line for a SQLite error; a full disk is said as such (its own type: callers stop)."""
    text = str(exc)
    if "disk is full" in text or ("disk I/O error" in text and 0 <= _free_bytes(path) < 1 << 20):
        return StoreFull(f"case store {path}: the disk is full ({_free_bytes(path):,} bytes free){what}")
    return CaseStoreError(f"case store {path}: {text}{what}")


def _free_bytes(path: Path) -> int:
    try:
        st = os.statvfs(Path(path).parent)
    except OSError:
        return -1
    return st.f_bavail * st.f_frsize


class ConflictError(CaseStoreError):
    """The case changed since the caller read it (optimistic version check)."""

    def __init__(self, case_id: str, expected: int, actual: int):
        self.case_id, self.expected, self.actual = case_id, expected, actual
        super().__init__(
            f"case {case_id} was changed by someone else (version {actual}, you edited version {expected}); "
            "reload and record again"
        )


@dataclass
class RecordResult:
    """What one record call did: the fields it changed (old, new) and the case's version."""

    case_id: str
    version: int
    changes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    created: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def default_store_path(warehouse: Path) -> Path:
    """The default case store beside the warehouse: /x/w.duckdb -> /x/w.duckdb.cases.sqlite."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".cases.sqlite")


def resolve_store_path(warehouse: Path | None, store: Path | None) -> Path:
    """The case store: explicit --cases, else env PENSION_RISK_CASES, else beside the warehouse."""
    if store is not None:
        return Path(store)
    if os.environ.get("PENSION_RISK_CASES"):
        return Path(os.environ["PENSION_RISK_CASES"])
    if warehouse is None:
        raise CaseStoreError("no case store given and no warehouse to put it beside")
    return default_store_path(Path(warehouse))


def now_local() -> dt.datetime:
    """Current time in Asia/Shanghai, naive, to the second (how people read it)."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(tzinfo=None, microsecond=0)


# ---------------------------------------------------------------- value checks

def _text(value: object) -> str | None:
    if value is None:
        return None
    try:
        import math

        if isinstance(value, float) and math.isnan(value):
            return None
    except Exception:  # pragma: no cover
        pass
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    text = str(value).strip()
    return text or None


def normalize_amount(value: object) -> str | None:
    """追回金额: a non-negative amount in yuan, 2 decimals, as text ('1234.50')."""
    text = _text(value)
    if text is None:
        return None
    try:
        amount = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CaseStoreError(f"追回金额 is not a number: {text!r}") from None
    if not amount.is_finite() or amount < 0:
        raise CaseStoreError(f"追回金额 must be a non-negative amount: {text!r}")
    if amount > MAX_AMOUNT:
        raise CaseStoreError(f"追回金额 {text} is not plausible (more than {MAX_AMOUNT:,} yuan)")
    if amount != amount.quantize(Decimal("0.01")):
        raise CaseStoreError(f"追回金额 has more than 2 decimals: {text!r}")
    return str(amount.quantize(Decimal("0.01")))


#: 核查日期 must fall in the screening period: not before the screening starts, not in the future.
EARLIEST_DATE = dt.date(2019, 1, 1)
#: The largest 追回金额 accepted (yuan): more than any pension fund of a city pays in years.
MAX_AMOUNT = Decimal("9999999999.99")


def _parse_date(value: object, label: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    for candidate in (text, text.replace("/", "-").replace(".", "-")):
        try:
            return dt.date.fromisoformat(candidate)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(candidate).date()
        except ValueError:
            pass
    if len(text) == 8 and text.isdigit():
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise CaseStoreError(f"{label} is not a date YYYY-MM-DD: {text!r}")


def normalize_date(value: object, label: str = "核查日期") -> str | None:
    """A date between EARLIEST_DATE and today (Asia/Shanghai), as YYYY-MM-DD."""
    day = _parse_date(value, label)
    if day is None:
        return None
    today = now_local().date()
    if day > today:
        raise CaseStoreError(f"{label} {day.isoformat()} is in the future (today is {today.isoformat()})")
    if day < EARLIEST_DATE:
        raise CaseStoreError(f"{label} {day.isoformat()} is before the screening period ({EARLIEST_DATE.isoformat()})")
    return day.isoformat()


def normalize_case_fields(fields: Mapping[str, object]) -> dict[str, str | None]:
    """Check and normalize recorded values; raises CaseStoreError naming the field."""
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise CaseStoreError(f"unknown case fields: {', '.join(sorted(unknown))}")
    out: dict[str, str | None] = {}
    for name, value in fields.items():
        if name == "recovered_amount":
            out[name] = normalize_amount(value)
        elif name == "verified_on":
            out[name] = normalize_date(value)
        else:
            out[name] = _text(value)
    if out.get("conclusion") is not None and out["conclusion"] not in CONCLUSIONS:
        raise CaseStoreError(f"核查结论 must be one of {'/'.join(CONCLUSIONS)}: {out['conclusion']!r}")
    status = out.get("rectification_status")
    if status is not None and status not in RECTIFICATION_STATUSES:
        raise CaseStoreError(f"整改状态 must be one of {'/'.join(RECTIFICATION_STATUSES)}: {status!r}")
    return out


def _stamp(at: dt.datetime | None) -> str:
    return (at or now_local()).replace(microsecond=0).isoformat(sep=" ")


# ---------------------------------------------------------------- the store

class CaseStore:
    """The case store at one path. Connections are short-lived (one per call)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    # -- connections
    def _connect(self, create: bool = True) -> sqlite3.Connection:
        if not create and not self.path.exists():
            raise CaseStoreError(f"case store not found: {self.path}")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # create it private before SQLite writes a byte (SQLite gives -wal/-shm the same mode)
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
                os.chmod(self.path, FILE_MODE)
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("pragma foreign_keys = on")
        if create:
            mode = con.execute("pragma journal_mode = wal").fetchone()[0]
            if str(mode).lower() != "wal":  # pragma: no cover - e.g. a network file system
                raise CaseStoreError(f"case store {self.path}: cannot use WAL mode ({mode})")
            con.execute("pragma synchronous = normal")
            self._ensure_schema(con)
        return con

    def _ensure_schema(self, con: sqlite3.Connection) -> None:
        row = con.execute(
            "select 1 from sqlite_master where type = 'table' and name = 'meta'"
        ).fetchone()
        if row is not None:
            version = con.execute("select value from meta where key = 'schema_version'").fetchone()
            if version is not None and int(version[0]) == SCHEMA_VERSION:
                return
        con.execute("begin immediate")
        try:
            existing = {r[1] for r in con.execute("pragma table_info(cases)").fetchall()}
            for statement in _DDL:
                con.execute(statement)
            if existing:  # a store of schema version 1: add the review columns
                for column, definition in _CASES_V2_COLUMNS.items():
                    if column not in existing:
                        con.execute(f"alter table cases add column {column} {definition}")
                if "review_status" not in existing:
                    # conclusions recorded before review existed wait for a reviewer
                    con.execute(
                        "update cases set review_status = '待复核' where conclusion is not null "
                        "or problem_note is not null or recovered_amount is not null "
                        "or rectification_status is not null or rectification_measures is not null"
                    )
            con.execute(
                "insert into meta (key, value) values ('schema_version', ?) "
                "on conflict (key) do update set value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One serialized write transaction (BEGIN IMMEDIATE takes the write lock up front)."""
        try:
            con = self._connect()
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc
        except OSError as exc:  # e.g. creating the file on a full disk
            raise _store_error(self.path, sqlite3.OperationalError(
                "database or disk is full" if exc.errno == 28 else (exc.strerror or str(exc)))) from exc
        try:
            con.execute("begin immediate")
            try:
                yield con
                con.execute("commit")
            except BaseException as exc:
                # SQLite may already have rolled back (e.g. disk full): report the cause, not the rollback
                if con.in_transaction:
                    try:
                        con.execute("rollback")
                    except sqlite3.Error:
                        pass
                if isinstance(exc, sqlite3.Error):
                    raise _store_error(self.path, exc, "; nothing of this change was saved") from exc
                raise
        except sqlite3.Error as exc:
            raise _store_error(self.path, exc) from exc
        finally:
            con.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection | None]:
        if not self.path.exists():
            yield None
            return
        con = self._connect()
        try:
            yield con
        finally:
            con.close()

    def exists(self) -> bool:
        return self.path.exists()

    def initialize(self) -> None:
        self._connect().close()

    # -- cases
    def record_conclusion(
        self,
        case_id: str,
        fields: Mapping[str, object],
        by: str,
        at: dt.datetime | None = None,
        *,
        case_type: str | None = None,
        identity: Mapping[str, object] | None = None,
        expected_version: int | None = None,
        source: str | None = None,
        audit: AuditEntry | None = None,
    ) -> RecordResult:
        """Record (part of) the verification of one case.

        ``fields``: any of CASE_FIELDS; only the given fields are written, and only
        those whose value differs from the current one produce a history row and a
        new version. When the conclusion changes and 核查人 / 核查日期 are not given,
        they default to ``by`` / the date of ``at``. ``identity`` (rule_code,
        subject_id, person_id, county_code) is stored the first time it is known,
        so the case stays attributed when its flag stops firing.
        """
        case_id = _text(case_id) or ""
        if not case_id:
            raise CaseStoreError("case_id is empty")
        by = _text(by) or ""
        if not by:
            raise CaseStoreError("who records (by) is empty")
        if case_type is None:
            case_type = "suspect" if case_id.startswith("SUS-") else "flag"
        if case_type not in CASE_TYPES:
            raise CaseStoreError(f"case_type must be flag or suspect: {case_type!r}")
        values = normalize_case_fields(fields)
        stamp = _stamp(at)
        ident = {k: _text(v) for k, v in (identity or {}).items() if k in IDENTITY_FIELDS}

        with self._write() as con:
            row = con.execute("select * from cases where case_id = ?", (case_id,)).fetchone()
            created = row is None
            current_version = 0 if row is None else int(row["version"])
            if expected_version is not None and expected_version != current_version:
                raise ConflictError(case_id, expected_version, current_version)
            current = {f: (None if row is None else row[f]) for f in CASE_FIELDS}
            new = dict(values)
            if new.get("conclusion") and new["conclusion"] != current["conclusion"]:
                # a new conclusion: who and when default to the recorder and the day
                if new.get("verified_by") is None:
                    new["verified_by"] = by
                if new.get("verified_on") is None:
                    new["verified_on"] = stamp[:10]
            changes = {f: (current[f], v) for f, v in new.items() if v != current[f]}
            if not changes and not created:
                # nothing new; still fill in a missing identity silently
                self._fill_identity(con, case_id, row, ident)
                return RecordResult(case_id, current_version)
            if not changes and created:
                return RecordResult(case_id, 0)
            version = current_version + 1
            if created:
                flag_id = case_id if case_type == "flag" else None
                suspect_id = case_id[4:] if case_type == "suspect" and case_id.startswith("SUS-") else None
                con.execute(
                    "insert into cases (case_id, case_type, flag_id, suspect_id, rule_code, subject_id, person_id, "
                    "county_code, version, created_by, created_at, updated_by, updated_at) "
                    "values (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                    (case_id, case_type, flag_id, suspect_id, ident.get("rule_code"),
                     ident.get("subject_id") or suspect_id, ident.get("person_id"), ident.get("county_code"),
                     by, stamp, by, stamp),
                )
            else:
                self._fill_identity(con, case_id, row, ident)
            # a recorded or changed conclusion waits for a reviewer (初审 -> 复核)
            old_status = "未核查" if row is None else row["review_status"]
            history = dict(changes)
            if old_status != "待复核":
                history["review_status"] = (old_status, "待复核")
            assignments = ", ".join(f"{f} = ?" for f in changes)
            con.execute(
                f"update cases set {assignments}, review_status = '待复核', reviewed_by = null, reviewed_at = null, "
                "review_note = null, version = ?, updated_by = ?, updated_at = ? where case_id = ?",
                (*[v for _old, v in changes.values()], version, by, stamp, case_id),
            )
            con.executemany(
                "insert into case_history (case_id, version, field, old_value, new_value, changed_by, changed_at, "
                "source) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [(case_id, version, f, old, v, by, stamp, source) for f, (old, v) in history.items()],
            )
            if audit is not None:
                append_audit(con, stamp, audit.login, audit.role, audit.action, audit.target,
                             f"version {version}: " + ", ".join(changes), audit.source)
            return RecordResult(case_id, version, changes, created)

    def review_case(
        self,
        case_id: str,
        decision: str,
        note: object,
        by: str,
        at: dt.datetime | None = None,
        *,
        expected_version: int | None = None,
        source: str | None = None,
        audit: AuditEntry | None = None,
    ) -> RecordResult:
        """复核: a reviewer passes (通过 -> 已复核) or returns (退回 -> 已退回) a case 待复核.

        Refused when the case is not 待复核, when its latest change is the reviewer's
        own, when it has no final conclusion (属实/不属实) to pass, or when it changed
        since the reviewer saw it (``expected_version``). Reviewing it again with the
        same decision and note by the same reviewer changes nothing (idempotent import).
        """
        case_id = _text(case_id) or ""
        by = _text(by) or ""
        if not case_id or not by:
            raise CaseStoreError("case_id and reviewer are required")
        decision = _text(decision) or ""
        if decision not in REVIEW_DECISIONS:
            raise CaseStoreError(f"复核结论 must be one of {'/'.join(REVIEW_DECISIONS)}: {decision!r}")
        note_text = _text(note)
        if decision == "退回" and not note_text:
            raise CaseStoreError("退回时须填写复核意见（说明需要核查员补充或改正的内容）")
        target = REVIEW_DECISIONS[decision]
        stamp = _stamp(at)
        with self._write() as con:
            row = con.execute("select * from cases where case_id = ?", (case_id,)).fetchone()
            if row is None:
                raise CaseStoreError(f"案件 {case_id} 尚未登记核查结论，无可复核的内容")
            version = int(row["version"])
            if (row["review_status"] == target and row["reviewed_by"] == by
                    and (row["review_note"] or None) == note_text):
                return RecordResult(case_id, version)  # the same review again: nothing new
            if expected_version is not None and expected_version != version:
                raise ConflictError(case_id, expected_version, version)
            if row["review_status"] != "待复核":
                raise CaseStoreError(f"案件 {case_id} 当前为“{row['review_status']}”，只有“待复核”的案件可以复核")
            if row["updated_by"] == by:
                raise CaseStoreError(f"案件 {case_id} 的最近一次修改是 {by} 本人所做，不能复核自己的修改")
            if decision == "通过" and row["conclusion"] not in ("属实", "不属实"):
                raise CaseStoreError(f"案件 {case_id} 的核查结论为“{row['conclusion'] or '空'}”，"
                                     "只有属实或不属实的结论可以复核通过")
            changes = {"review_status": (row["review_status"], target)}
            if (row["review_note"] or None) != note_text:
                changes["review_note"] = (row["review_note"], note_text)
            version += 1
            con.execute(
                "update cases set review_status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?, "
                "version = ? where case_id = ?",
                (target, by, stamp, note_text, version, case_id),
            )
            con.executemany(
                "insert into case_history (case_id, version, field, old_value, new_value, changed_by, changed_at, "
                "source) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [(case_id, version, f, old, v, by, stamp, source) for f, (old, v) in changes.items()],
            )
            if audit is not None:
                append_audit(con, stamp, audit.login, audit.role, audit.action, audit.target,
                             f"version {version}: {decision}", audit.source)
            return RecordResult(case_id, version, changes)

    @staticmethod
    def _fill_identity(con: sqlite3.Connection, case_id: str, row: sqlite3.Row | None,
                       ident: Mapping[str, str | None]) -> None:
        if row is None:
            return
        missing = {k: v for k, v in ident.items() if v is not None and row[k] is None}
        if missing:
            con.execute(
                f"update cases set {', '.join(f'{k} = ?' for k in missing)} where case_id = ?",
                (*missing.values(), case_id),
            )

    def get_case(self, case_id: str) -> dict | None:
        with self._read() as con:
            if con is None:
                return None
            row = con.execute("select * from cases where case_id = ?", (case_id,)).fetchone()
            return None if row is None else dict(row)

    def cases(self, case_ids: Iterable[str] | None = None) -> dict[str, dict]:
        with self._read() as con:
            if con is None:
                return {}
            rows = con.execute("select * from cases order by case_id").fetchall()
        wanted = None if case_ids is None else set(case_ids)
        return {r["case_id"]: dict(r) for r in rows if wanted is None or r["case_id"] in wanted}

    def history(self, case_id: str | None = None) -> list[dict]:
        with self._read() as con:
            if con is None:
                return []
            if case_id is None:
                rows = con.execute("select * from case_history order by history_id").fetchall()
            else:
                rows = con.execute(
                    "select * from case_history where case_id = ? order by history_id", (case_id,)
                ).fetchall()
        return [dict(r) for r in rows]

    def history_count(self) -> int:
        with self._read() as con:
            if con is None:
                return 0
            return int(con.execute("select count(*) from case_history").fetchone()[0])

    # -- self-inspection checklist (自查)
    def record_checklist_answer(
        self,
        agency_code: str,
        item_code: str,
        fields: Mapping[str, object],
        by: str,
        at: dt.datetime | None = None,
        *,
        valid_items: Iterable[str] | None = None,
        valid_agencies: Iterable[str] | None = None,
        expected_version: int | None = None,
        source: str | None = None,
        audit: AuditEntry | None = None,
    ) -> RecordResult:
        """Record one agency's answer to one checklist item (存在/不存在, 说明, 整改状态)."""
        agency_code = _text(agency_code) or ""
        item_code = _text(item_code) or ""
        by = _text(by) or ""
        if not by:
            raise CaseStoreError("who records (by) is empty")
        if valid_agencies is not None and agency_code not in set(valid_agencies):
            raise CaseStoreError(f"unknown agency code: {agency_code!r}")
        if valid_items is not None and item_code not in set(valid_items):
            raise CaseStoreError(f"unknown checklist item: {item_code!r}")
        if not agency_code or not item_code:
            raise CaseStoreError("agency_code and item_code are required")
        unknown = set(fields) - set(CHECKLIST_FIELDS)
        if unknown:
            raise CaseStoreError(f"unknown checklist fields: {', '.join(sorted(unknown))}")
        values = {k: _text(v) for k, v in fields.items()}
        if values.get("answer") is not None and values["answer"] not in CHECKLIST_ANSWERS:
            raise CaseStoreError(f"是否存在 must be 存在 or 不存在: {values['answer']!r}")
        status = values.get("rectification_status")
        if status is not None and status not in RECTIFICATION_STATUSES:
            raise CaseStoreError(f"整改状态 must be one of {'/'.join(RECTIFICATION_STATUSES)}: {status!r}")
        stamp = _stamp(at)
        label = f"{agency_code}/{item_code}"
        with self._write() as con:
            row = con.execute(
                "select * from checklist_answers where agency_code = ? and item_code = ?", (agency_code, item_code)
            ).fetchone()
            current_version = 0 if row is None else int(row["version"])
            if expected_version is not None and expected_version != current_version:
                raise ConflictError(label, expected_version, current_version)
            current = {f: (None if row is None else row[f]) for f in CHECKLIST_FIELDS}
            changes = {f: (current[f], v) for f, v in values.items() if v != current[f]}
            if not changes:
                return RecordResult(label, current_version)
            version = current_version + 1
            if row is None:
                con.execute(
                    "insert into checklist_answers (agency_code, item_code, version, updated_by, updated_at) "
                    "values (?, ?, 0, ?, ?)", (agency_code, item_code, by, stamp),
                )
            con.execute(
                f"update checklist_answers set {', '.join(f'{f} = ?' for f in changes)}, version = ?, "
                "updated_by = ?, updated_at = ? where agency_code = ? and item_code = ?",
                (*[v for _o, v in changes.values()], version, by, stamp, agency_code, item_code),
            )
            con.executemany(
                "insert into checklist_history (agency_code, item_code, version, field, old_value, new_value, "
                "changed_by, changed_at, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(agency_code, item_code, version, f, o, v, by, stamp, source) for f, (o, v) in changes.items()],
            )
            if audit is not None:
                append_audit(con, stamp, audit.login, audit.role, audit.action, audit.target,
                             ", ".join(changes), audit.source)
            return RecordResult(label, version, changes, row is None)

    def checklist_answers(self, agency_code: str | None = None) -> list[dict]:
        with self._read() as con:
            if con is None:
                return []
            if agency_code is None:
                rows = con.execute("select * from checklist_answers order by agency_code, item_code").fetchall()
            else:
                rows = con.execute(
                    "select * from checklist_answers where agency_code = ? order by item_code", (agency_code,)
                ).fetchall()
        return [dict(r) for r in rows]

    def checklist_history(self, agency_code: str | None = None) -> list[dict]:
        with self._read() as con:
            if con is None:
                return []
            sql = "select * from checklist_history"
            args: tuple = ()
            if agency_code is not None:
                sql += " where agency_code = ?"
                args = (agency_code,)
            return [dict(r) for r in con.execute(sql + " order by history_id", args).fetchall()]


def record_conclusion(store: Path, case_id: str, fields: Mapping[str, object], by: str,
                      at: dt.datetime | None = None, **kwargs) -> RecordResult:
    """Module-level shortcut: CaseStore(store).record_conclusion(...)."""
    return CaseStore(store).record_conclusion(case_id, fields, by, at, **kwargs)


def snapshot_for_warehouse(store: Path | None):
    """Current case records and checklist answers for raw.case_records / raw.checklist_answers.

    Returns two pandas DataFrames with exactly the columns of docs/DESIGN.md; the
    case records carry the store's identity columns (rule_code, subject_id,
    person_id, county_code) after them, at the end. Empty frames with those
    columns when the store does not exist.
    """
    import pandas as pd

    cases_cols = CASE_RECORD_COLUMNS + CASE_RECORD_EXTRA_COLUMNS
    if store is None or not Path(store).exists():
        return _typed_cases(pd.DataFrame(columns=cases_cols)), _typed_checklist(
            pd.DataFrame(columns=CHECKLIST_ANSWER_COLUMNS))
    cs = CaseStore(Path(store))
    case_rows = list(cs.cases().values())
    cases_df = pd.DataFrame([{c: r.get(c) for c in cases_cols} for r in case_rows], columns=cases_cols)
    checklist_rows = cs.checklist_answers()
    checklist_df = pd.DataFrame(
        [{c: r.get(c) for c in CHECKLIST_ANSWER_COLUMNS} for r in checklist_rows], columns=CHECKLIST_ANSWER_COLUMNS
    )
    return _typed_cases(cases_df), _typed_checklist(checklist_df)


def _typed_cases(df):
    import pandas as pd

    df = df.astype(object)
    df = df.where(df.notna(), None)
    df["recovered_amount"] = pd.Series(
        [None if v is None else Decimal(str(v)) for v in df["recovered_amount"]], index=df.index, dtype=object)
    df["verified_on"] = pd.Series(
        [None if v is None else dt.date.fromisoformat(str(v)[:10]) for v in df["verified_on"]],
        index=df.index, dtype=object)
    df["updated_at"] = pd.to_datetime(df["updated_at"]) if len(df) else pd.Series([], dtype="datetime64[ns]")
    df["reviewed_at"] = pd.to_datetime(df["reviewed_at"]) if len(df) else pd.Series([], dtype="datetime64[ns]")
    return df


def _typed_checklist(df):
    import pandas as pd

    df = df.astype(object)
    df = df.where(df.notna(), None)
    df["updated_at"] = pd.to_datetime(df["updated_at"]) if len(df) else pd.Series([], dtype="datetime64[ns]")
    return df


def load_into_warehouse(con, store: Path | None) -> tuple[int, int]:
    """Replace raw.case_records and raw.checklist_answers of an open (building) DuckDB
    connection with the store's current state, with explicit column types.

    raw.case_records gets the DESIGN.md columns plus the identity columns at the end.
    Returns (case rows, checklist rows).
    """
    cases_df, checklist_df = snapshot_for_warehouse(store)
    con.execute("create schema if not exists raw")
    con.execute("drop table if exists raw.case_records")
    con.execute(
        "create table raw.case_records (case_id varchar, case_type varchar, flag_id varchar, suspect_id varchar, "
        "conclusion varchar, problem_note varchar, recovered_amount decimal(18,2), rectification_status varchar, "
        "rectification_measures varchar, verified_by varchar, verified_on date, updated_at timestamp, "
        "rule_code varchar, subject_id varchar, person_id varchar, county_code varchar, "
        "review_status varchar, reviewed_by varchar, reviewed_at timestamp, review_note varchar)"
    )
    con.execute("drop table if exists raw.checklist_answers")
    con.execute(
        "create table raw.checklist_answers (agency_code varchar, item_code varchar, answer varchar, note varchar, "
        "rectification_status varchar, updated_by varchar, updated_at timestamp)"
    )
    if len(cases_df):
        con.register("_case_records_snapshot", cases_df)
        con.execute("insert into raw.case_records select * from _case_records_snapshot")
        con.unregister("_case_records_snapshot")
    if len(checklist_df):
        con.register("_checklist_snapshot", checklist_df)
        con.execute("insert into raw.checklist_answers select * from _checklist_snapshot")
        con.unregister("_checklist_snapshot")
    return len(cases_df), len(checklist_df)
