"""Accounts (账号) of the case store: real-name logins, slow salted password hashes, lock-out.

Passwords are kept only as bcrypt hashes (the ``bcrypt`` package, cost 12): bcrypt
is what streamlit-authenticator checks the dashboard login against, so one hash
serves the dashboard and the CLI. A password is never printed, logged or
exported. Five failed logins in a row lock an account for 15 minutes; a disabled
account can never log in and is never deleted (the history keeps naming it).
Every account change and every login (succeeded or failed) is written to the
audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import bcrypt

from pension_risk.access.roles import ROLES, AccessDenied, Principal, role
from pension_risk.cases.store import CaseStore, _stamp, now_local
from pension_risk.contract import AGENCY_CODES
from pension_risk.errors import PensionRiskError

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_BYTES = 72  # bcrypt reads at most 72 bytes; longer passwords are refused, not cut
BCRYPT_COST = 12
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
SESSION_IDLE_MINUTES = 30
_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,31}$")
STATUS_LABELS = {"active": "启用", "disabled": "已停用"}


class LoginFailed(AccessDenied):
    """Wrong login or password, a disabled or a locked account (the message says which, safely)."""


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PensionRiskError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise PensionRiskError(f"password too long: at most {MAX_PASSWORD_BYTES} bytes")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_COST)).decode("ascii")


def _password_matches(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:  # longer than 72 bytes, or a malformed hash
        return False


def add_account(store: Path, login: str, name: str, role_code: str, agency_code: str | None, password: str,
                *, by: str, source: str, at: dt.datetime | None = None) -> Principal:
    """Create an account (users add). Raises PensionRiskError on a bad value or an existing login."""
    login = (login or "").strip()
    name = (name or "").strip()
    if not _LOGIN_RE.match(login):
        raise PensionRiskError(f"login {login!r}: 2-32 letters, digits, '.', '_' or '-', starting with a letter or digit")
    if not name:
        raise PensionRiskError("--name is required (real-name accounts: the person's name)")
    spec = role(role_code)
    agency_code = (agency_code or "").strip() or None
    if spec.agency_scope is True and agency_code is None:
        raise PensionRiskError(f"role {role_code} ({spec.label}) needs --agency (one of {', '.join(AGENCY_CODES)})")
    if spec.agency_scope is False and agency_code is not None:
        raise PensionRiskError(f"role {role_code} ({spec.label}) has no agency scope; leave out --agency")
    if agency_code is not None and agency_code not in AGENCY_CODES:
        raise PensionRiskError(f"unknown agency code {agency_code!r} (one of {', '.join(AGENCY_CODES)})")
    password_hash = hash_password(password)
    stamp = _stamp(at)
    cs = CaseStore(store)
    with cs._write() as con:
        if con.execute("select 1 from accounts where login = ?", (login,)).fetchone():
            raise PensionRiskError(f"account {login!r} already exists (accounts are never re-used; "
                                   "disable it and choose another login)")
        con.execute(
            "insert into accounts (login, name, role, agency_code, status, password_hash, created_by, created_at) "
            "values (?, ?, ?, ?, 'active', ?, ?, ?)",
            (login, name, role_code, agency_code, password_hash, by, stamp),
        )
        con.execute(
            "insert into audit_log (at, login, role, action, target, detail, source) values (?, ?, ?, ?, ?, ?, ?)",
            (stamp, by, None, "account_add", login, f"role={role_code}; agency={agency_code or '全市'}; name={name}",
             source),
        )
    return Principal(login, name, role_code, agency_code)


def set_password(store: Path, login: str, password: str, *, by: str, source: str) -> None:
    """Give an active account a new password (the demo resets its own accounts with it)."""
    password_hash = hash_password(password)
    with CaseStore(store)._write() as con:
        if con.execute("update accounts set password_hash = ?, failed_logins = 0, locked_until = null "
                       "where login = ? and status = 'active'", (password_hash, login)).rowcount != 1:
            raise PensionRiskError(f"no active account {login!r}")
        con.execute(
            "insert into audit_log (at, login, role, action, target, detail, source) values (?, ?, ?, ?, ?, ?, ?)",
            (_stamp(None), by, None, "account_add", login, "password set", source),
        )


def disable_account(store: Path, login: str, *, by: str, source: str, at: dt.datetime | None = None) -> bool:
    """Disable an account (departed users). Returns False if it was already disabled."""
    stamp = _stamp(at)
    with CaseStore(store)._write() as con:
        row = con.execute("select status from accounts where login = ?", (login,)).fetchone()
        if row is None:
            raise PensionRiskError(f"no account {login!r}")
        if row["status"] == "disabled":
            return False
        con.execute("update accounts set status = 'disabled', disabled_by = ?, disabled_at = ? where login = ?",
                    (by, stamp, login))
        con.execute(
            "insert into audit_log (at, login, role, action, target, detail, source) values (?, ?, ?, ?, ?, ?, ?)",
            (stamp, by, None, "account_disable", login, None, source),
        )
    return True


def list_accounts(store: Path) -> list[dict]:
    """login, name, role, agency_code, status, locked_until, created_at, disabled_at — never a password hash."""
    cs = CaseStore(store)
    with cs._read() as con:
        if con is None:
            return []
        rows = con.execute(
            "select login, name, role, agency_code, status, locked_until, created_at, disabled_at "
            "from accounts order by login"
        ).fetchall()
    return [dict(r) for r in rows]


def principal(store: Path, login: str | None) -> Principal | None:
    """The active account of a login (None if unknown or disabled): re-checked on every page run."""
    if not login:
        return None
    cs = CaseStore(store)
    with cs._read() as con:
        if con is None:
            return None
        row = con.execute("select login, name, role, agency_code, status from accounts where login = ?",
                          (login,)).fetchone()
    if row is None or row["status"] != "active" or row["role"] not in ROLES:
        return None
    return Principal(row["login"], row["name"], row["role"], row["agency_code"])


def _locked(row, now: dt.datetime) -> bool:
    return bool(row["locked_until"]) and dt.datetime.fromisoformat(row["locked_until"]) > now


def login_credentials(store: Path) -> dict:
    """Accounts that may log in now (active, not locked), as streamlit-authenticator's credentials."""
    now = now_local()
    cs = CaseStore(store)
    with cs._read() as con:
        if con is None:
            return {"usernames": {}}
        rows = con.execute("select * from accounts where status = 'active'").fetchall()
    return {"usernames": {
        r["login"]: {"name": r["name"], "password": r["password_hash"], "roles": [r["role"]],
                     "email": None}
        for r in rows if not _locked(r, now)
    }}


def register_attempt(store: Path, login: str, succeeded: bool, *, source: str) -> str | None:
    """Record a login attempt: audit row, failed-login count, lock-out after five in a row.

    Returns the reason a failure is shown to the user (Chinese), None on success.
    """
    login = (login or "").strip()[:64]
    now = now_local()
    stamp = _stamp(now)
    with CaseStore(store)._write() as con:
        row = con.execute("select * from accounts where login = ?", (login,)).fetchone()
        events: list[tuple] = []
        message = None
        if succeeded and row is not None:
            con.execute("update accounts set failed_logins = 0, locked_until = null where login = ?", (login,))
            events.append((stamp, login, row["role"], "login", None, None, source))
        elif row is None:
            events.append((stamp, login or None, None, "login_failed", None, "unknown login", source))
            message = "账号或密码错误。"
        elif row["status"] != "active":
            events.append((stamp, login, row["role"], "login_failed", None, "account disabled", source))
            message = "账号或密码错误。"
        elif _locked(row, now):
            events.append((stamp, login, row["role"], "login_failed", None,
                           f"account locked until {row['locked_until']}", source))
            message = f"连续登录失败次数过多，账号已锁定至 {row['locked_until']}，请稍后再试。"
        else:
            failed = int(row["failed_logins"]) + 1
            events.append((stamp, login, row["role"], "login_failed", None,
                           f"wrong password ({failed} in a row)", source))
            if failed >= MAX_FAILED_LOGINS:
                until = _stamp(now + dt.timedelta(minutes=LOCK_MINUTES))
                con.execute("update accounts set failed_logins = 0, locked_until = ? where login = ?",
                            (until, login))
                events.append((stamp, login, row["role"], "account_locked", login,
                               f"{failed} failed logins in a row; locked until {until}", source))
                message = f"连续 {failed} 次登录失败，账号已锁定 {LOCK_MINUTES} 分钟（至 {until}）。"
            else:
                con.execute("update accounts set failed_logins = ? where login = ?", (failed, login))
                message = f"账号或密码错误（还可尝试 {MAX_FAILED_LOGINS - failed} 次）。"
        con.executemany(
            "insert into audit_log (at, login, role, action, target, detail, source) values (?, ?, ?, ?, ?, ?, ?)",
            events,
        )
    return message


def authenticate(store: Path, login: str, password: str, *, source: str) -> Principal:
    """Check a login and password (CLI), with the same lock-out and audit rows as the dashboard."""
    cs = CaseStore(store)
    if not cs.exists():
        raise LoginFailed(f"case store {store} does not exist: no accounts (create one with `pension-risk users add`)")
    with cs._read() as con:
        row = con.execute("select * from accounts where login = ?", ((login or "").strip(),)).fetchone()
    ok = (row is not None and row["status"] == "active" and not _locked(row, now_local())
          and _password_matches(password, row["password_hash"]))
    message = register_attempt(store, login, ok, source=source)
    if not ok:
        raise LoginFailed(f"login {login!r} refused: {message} nothing was recorded")
    found = principal(store, login)
    if found is None:  # pragma: no cover - disabled between the check and now
        raise LoginFailed(f"login {login!r} refused: account not active; nothing was recorded")
    return found
