"""The audit log (审计日志): append-only, in the case store, searchable.

One row per event: ``at, login, role, action, target, detail, source``
(INTERFACE.md). The table is protected by triggers in the store itself (an UPDATE
or DELETE aborts), and the product has no code path that updates or deletes a
row (tests/test_access.py greps for it). Details never carry a password and
never a value of personal data: a change is logged by its fields, a view by the
page and the case or scope.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import os
import socket
from collections.abc import Iterable
from pathlib import Path

from pension_risk.access.roles import Principal
from pension_risk.cases.store import CaseStore, _stamp, append_audit

#: Actions written to the log, with their Chinese labels (auditor page, CSV filter values).
ACTIONS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "account_locked": "账号锁定",
    "view_unmasked": "查看个人信息",
    "export": "导出",
    "download": "下载",
    "upload": "上传",
    "record": "登记核查结论",
    "record_checklist": "填报自查清单",
    "review": "复核",
    "account_add": "新增账号",
    "account_disable": "停用账号",
    "audit_read": "查阅审计日志",
}
COLUMNS = ("at", "login", "role", "action", "target", "detail", "source")


def os_user() -> str:
    """Who runs a CLI command on the server: the operating-system user and host, e.g. 'etl@server'
    (the `login` of CLI events such as `users add` and `cases export`)."""
    try:
        user = getpass.getuser()
    except Exception:  # pragma: no cover - no user name in the environment
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"


def os_source(command: str) -> str:
    """`source` of a CLI event: 'cli:' + :func:`os_user` + the command, e.g. 'cli:etl@server:users add'."""
    return f"cli:{os_user()}:{command}"


def log(store: Path, action: str, *, principal: Principal | None = None, login: str | None = None,
        role: str | None = None, target: str | None = None, detail: str | None = None,
        source: str | None = None, at: dt.datetime | None = None) -> None:
    """Append one event. ``principal`` gives login and role; else ``login``/``role`` as claimed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if principal is not None:
        login, role = principal.login, principal.role_code
    cs = CaseStore(store)
    with cs._write() as con:
        append_audit(con, _stamp(at), login, role, action, target, detail, source)


def log_many(store: Path, rows: Iterable[dict]) -> None:
    """Append several events in one transaction (same keys as :func:`log`, principal resolved)."""
    rows = list(rows)
    if not rows:
        return
    with CaseStore(store)._write() as con:
        con.executemany(
            "insert into audit_log (at, login, role, action, target, detail, source) values (?, ?, ?, ?, ?, ?, ?)",
            [(_stamp(r.get("at")), r.get("login"), r.get("role"), r["action"], r.get("target"), r.get("detail"),
              r.get("source")) for r in rows],
        )


def search(store: Path, *, since: dt.date | None = None, login: str | None = None,
           action: str | None = None, limit: int | None = None) -> list[dict]:
    """Events in order of time (oldest first), filtered."""
    cs = CaseStore(store)
    sql = "select at, login, role, action, target, detail, source from audit_log where 1 = 1"
    args: list = []
    if since is not None:
        sql += " and at >= ?"
        args.append(since.isoformat())
    if login:
        sql += " and login = ?"
        args.append(login)
    if action:
        sql += " and action = ?"
        args.append(action)
    # the newest `limit` events (the auditor page), still returned oldest first
    sql += " order by audit_id desc" + (f" limit {int(limit)}" if limit else "")
    with cs._read() as con:
        if con is None:
            return []
        return [dict(r) for r in reversed(con.execute(sql, args).fetchall())]


def to_csv(rows: Iterable[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c) for c in COLUMNS})
    return buf.getvalue()
