"""Accounts of the tests and logging in to the real dashboard (AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pension_risk.access import accounts

APP = str(Path(__file__).resolve().parents[1] / "dashboards" / "app.py")

#: login -> (name, role, agency, password)
ACCOUNTS: dict[str, tuple[str, str, str | None, str]] = {
    "leader": ("王领导", "leader", None, "leader-password-1"),
    "leader_340402": ("赵领导", "leader", "340402", "leader-password-2"),
    "verifier_340403": ("李核查", "verifier", "340403", "verifier-password-1"),
    "verifier_340402": ("周核查", "verifier", "340402", "verifier-password-2"),
    "reviewer": ("陈复核", "reviewer", None, "reviewer-password-1"),
    "reviewer_340403": ("孙复核", "reviewer", "340403", "reviewer-password-2"),
    "admin": ("吴管理", "admin", None, "admin-password-1"),
    "auditor": ("郑审计", "auditor", None, "auditor-password-1"),
}


def add_accounts(store: Path, logins: list[str] | None = None) -> None:
    existing = {a["login"] for a in accounts.list_accounts(store)}
    for login in logins or list(ACCOUNTS):
        if login in existing:
            continue
        name, role, agency, password = ACCOUNTS[login]
        accounts.add_account(store, login, name, role, agency, password, by="test-setup", source="test")


def password(login: str) -> str:
    return ACCOUNTS[login][3]


def logged_in(login: str | None, password_text: str | None = None, timeout: int = 60) -> AppTest:
    """The dashboard after logging in as ``login`` (None: not logged in)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if login is None:
        return at
    fields = {t.label: t for t in at.text_input}
    fields["账号"].input(login)
    fields["密码"].input(password_text if password_text is not None else password(login))
    at.button[0].click().run()
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py")
    at.run()
    return at
