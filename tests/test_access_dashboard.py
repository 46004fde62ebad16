"""The real dashboard, logged in by role: what each role receives and what it never receives.

The check is on everything the app sends: the protobuf messages of every element
(tables arrive as Arrow bytes inside them) are searched for the unmasked id
numbers, names, phones and account numbers of the data set itself.
"""

from __future__ import annotations

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.access_helpers import APP, logged_in, open_page, password
from tests.fixtures_reports import reports_warehouse  # noqa: F401

pytestmark = pytest.mark.slow

LEADER_PAGES = ["overview", "county", "rules", "clusters", "quality", "freshness"]


def personal_values(warehouse) -> set[str]:
    """Every id number, phone, account number and (3+ character) name of the published data."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        values: set[str] = set()
        for sql in (
            "select id_number from intermediate.int_persons_current",
            "select phone from intermediate.int_persons_current",
            "select name from intermediate.int_persons_current where length(name) >= 3",
            "select name from intermediate.int_users_current where length(name) >= 3",
            "select id_number from intermediate.int_users_current",
            "select holder_name from intermediate.int_bank_accounts_current where length(holder_name) >= 3",
            "select account_no from intermediate.int_bank_accounts_current",
            "select holder_id_number from intermediate.int_bank_accounts_current",
            "select account_no from marts.shared_account_clusters",
            "select subject_id from marts.risk_flags where subject_type in ('id_number', 'account_no')",
        ):
            values |= {str(r[0]) for r in con.execute(sql).fetchall() if r[0]}
    finally:
        con.close()
    return {v for v in values if len(v) >= 3}


def sent(at) -> bytes:
    """Everything the app rendered in this run, as the bytes sent to a browser."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            out.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return b"".join(out)


def leaked(blob: bytes, values: set[str]) -> list[str]:
    return sorted(v for v in values if v.encode("utf-8") in blob)


def try_page(at, page: str) -> bool:
    """Open a page the role may not have: False when the role's navigation does not even
    register it (a browser asking for its URL gets the role's default page), else the page ran."""
    try:
        at.switch_page(f"views/{page}.py")
    except ValueError:  # AppTest: not a page of this session's st.navigation
        return False
    at.run()
    return True


@pytest.fixture
def env(reports_warehouse, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(reports_warehouse.warehouse))
    monkeypatch.delenv("PENSION_RISK_CASES", raising=False)
    return reports_warehouse


def test_values_of_the_data_set_are_found_when_shown(env):
    """The check can fail: a verifier's worklist (unmasked) holds the data set's own values."""
    values = personal_values(env.warehouse)
    assert len(values) > 300
    at = open_page(logged_in("verifier_340403"), "cases_worklist")
    assert not at.exception
    assert leaked(sent(at), values), "the verifier sees unmasked names of its agency"


def test_page_without_login_shows_the_login_form_and_no_data(env):
    at = logged_in(None)
    assert not at.exception
    assert [t.label for t in at.text_input] == ["账号", "密码"]
    assert not at.dataframe and not at.table and not at.metric
    assert leaked(sent(at), personal_values(env.warehouse)) == []


def test_wrong_password_is_refused(env):
    at = logged_in("leader", "not-the-password")
    assert not at.exception
    assert "账号或密码错误" in at.error[0].value
    assert not at.metric


def test_leader_receives_no_unmasked_personal_data_on_any_page(env):
    values = personal_values(env.warehouse)
    at = logged_in("leader")
    assert not at.exception
    blobs = [sent(at)]
    for page in LEADER_PAGES:
        open_page(at, page)
        assert not at.exception, (page, [e.value for e in at.exception])
        blobs.append(sent(at))
        if page == "rules":
            for code in at.selectbox(key="rules_rule").options:
                at.selectbox(key="rules_rule").set_value(code.split(" ")[0]).run()
                blobs.append(sent(at))
        if page == "clusters" and at.selectbox:
            for option in at.selectbox(key="clusters_cluster").options:
                at.selectbox(key="clusters_cluster").set_value(option).run()
                blobs.append(sent(at))
    blob = b"".join(blobs)
    assert leaked(blob, values) == []
    assert "********" in blob.decode("utf-8", "ignore")  # masked values are there instead
    # the sidebar offers the leader's pages only
    titles = {p for p in ["风险台账", "案件核查", "账号管理", "审计日志"] if p.encode() in blob}
    assert titles == set()


def test_verifier_cannot_open_another_agencys_case(env):
    con = duckdb.connect(str(env.warehouse), read_only=True)
    other = con.execute("select case_id, subject_id from marts.case_ledger where county_code = '340402' "
                        "order by case_id limit 1").fetchone()
    own = con.execute("select count(*) from marts.case_ledger where county_code = '340403'").fetchone()[0]
    con.close()
    at = logged_in("verifier_340403")
    at.session_state["cases_selected"] = other[0]
    open_page(at, "cases_case")
    assert not at.exception
    assert any("无权查看其他县区的案件" in e.value for e in at.error)
    assert not at.json and not at.get("form")
    open_page(at, "cases_worklist")
    assert at.metric[0].value == f"{own:,d}"
    assert other[0].encode() not in sent(at)


def test_admin_sees_accounts_and_no_case(env):
    at = logged_in("admin")
    assert not at.exception
    assert at.title[0].value == "账号管理"
    shown = at.dataframe[0].value
    assert "verifier_340403" in set(shown["账号"])
    assert not any("password" in c.lower() or "密码" in c for c in shown.columns)
    for page in ("cases_worklist", "cases_case", "overview"):
        if not try_page(at, page):
            continue  # not even offered to the role
        assert not at.dataframe or "账号" in at.dataframe[0].value.columns
    assert leaked(sent(at), personal_values(env.warehouse)) == []


def test_auditor_reads_the_log_and_nothing_else(env):
    at = logged_in("auditor")
    assert not at.exception
    assert at.title[0].value == "审计日志"
    log = at.dataframe[0].value
    assert {"登录"} <= set(log["操作"])
    try_page(at, "cases_worklist")
    assert leaked(sent(at), personal_values(env.warehouse)) == []


def test_page_asked_before_the_login_opens_after_a_lost_switch(env, monkeypatch):
    """The page a URL asked for before the login opens after it, even when the first switch to it is
    lost: a rerun the browser sends right after the login (the login cookie's component) replaces a
    pending st.switch_page in Streamlit's rerun queue, and the first page opened instead (CI of stop 21).
    The lost switch is made certain here by dropping the first call; the next run must switch again."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/cases_checklist.py")  # the URL asked for, before the login
    at.run()
    at.switch_page("views/overview.py")  # the browser then shows "/" (the first page) ...
    at.run()
    switch, lost = st.switch_page, []

    def first_switch_lost(page):
        if not lost:
            lost.append(page)  # ... and the first switch after the login is replaced by its rerun
            return
        switch(page)

    monkeypatch.setattr(st, "switch_page", first_switch_lost)
    fields = {t.label: t for t in at.text_input}
    fields["账号"].input("verifier_340403")
    fields["密码"].input(password("verifier_340403"))
    at.button[0].click().run()
    assert not at.exception
    assert len(lost) == 1 and [t.value for t in at.title] != ["自查清单"]
    at.run()  # the browser's own rerun, on the first page
    assert not at.exception
    assert [t.value for t in at.title] == ["自查清单"]
    assert "pension_risk_requested_page" not in at.session_state  # landed: the request is done
    at.switch_page("views/cases_worklist.py")  # the person then opens the first page: not pulled back
    at.run()
    assert [t.value for t in at.title] == ["风险台账"]
