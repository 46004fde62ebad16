"""The audit log holds every action of a scripted session, in order (issue 8).

A verifier mistypes its password, logs in to the real dashboard (AppTest), opens
its worklist (unmasked), exports the worklist, records a conclusion on the case
page; a reviewer logs in and passes it; the data team adds an account with
`pension-risk users add`. The log must hold exactly these events, in this order,
with the login, role and target of each.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from pension_risk.access import audit
from pension_risk.cases import cli as cases_cli
from pension_risk.cases.store import default_store_path
from pension_risk.cli import main
from tests.access_helpers import logged_in, open_page
from tests.test_cases_pages import warehouse  # noqa: F401


def test_every_action_of_a_session_is_in_the_log_in_order(warehouse: Path, tmp_path: Path,  # noqa: F811
                                                           monkeypatch):
    store = default_store_path(warehouse)
    start = len(audit.search(store))

    at = logged_in("verifier_340403", "wrong-password")                 # login_failed
    assert "账号或密码错误" in at.error[0].value
    at = logged_in("verifier_340403")                                   # login
    open_page(at, "cases_worklist")                                     # view_unmasked (its agency)
    assert not at.exception, [e.value for e in at.exception]
    assert cases_cli.export_command(warehouse, tmp_path / "w.xlsx", "340403", None) == 0   # export
    at.session_state["cases_selected"] = "f-r01-b"
    open_page(at, "cases_case")                                         # view_unmasked (the case)
    at.selectbox[0].set_value("属实")
    at.button(key="FormSubmitter:case_form-保存").click().run()          # record
    assert not at.exception and "已保存" in at.success[0].value

    rv = logged_in("reviewer_340403")                                   # login
    rv.session_state["cases_selected"] = "f-r01-b"
    open_page(rv, "cases_case")                                         # view_unmasked
    rv.radio[0].set_value("通过")
    rv.button(key="FormSubmitter:review_form-提交复核").click().run()    # review
    assert not rv.exception and "已通过" in rv.success[0].value

    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["users", "add", "new.leader", "--name", "新领导", "--role", "leader",
                 "--warehouse", str(warehouse)]) == 0                   # account_add

    events = audit.search(store)[start:]
    got = [(e["login"], e["role"], e["action"], e["target"]) for e in events]
    assert got == [
        ("verifier_340403", "verifier", "login_failed", None),
        ("verifier_340403", "verifier", "login", None),
        ("verifier_340403", "verifier", "view_unmasked", got[2][3]),
        (audit.os_user(), None, "export", "worklist:340403"),
        ("verifier_340403", "verifier", "view_unmasked", got[4][3]),
        ("verifier_340403", "verifier", "record", "f-r01-b"),
        ("reviewer_340403", "reviewer", "login", None),
        ("reviewer_340403", "reviewer", "view_unmasked", got[7][3]),
        ("reviewer_340403", "reviewer", "review", "f-r01-b"),
        (audit.os_user(), None, "account_add", "new.leader"),
    ], got
    assert (got[2][3], got[4][3], got[7][3]) == ("cases_worklist:340403", "cases_case:f-r01-b", "cases_case:f-r01-b")
    assert events[3]["source"].startswith("cli:") and events[9]["source"].startswith("cli:")
    assert events[0]["detail"] == "wrong password (1 in a row)"
    assert events[8]["detail"].endswith("通过")
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    # never a password, in any column of the log
    assert not [e for e in audit.search(store) if "wrong-password" in str(e) or "a-long-enough" in str(e)]
