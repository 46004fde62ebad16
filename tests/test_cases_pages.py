"""AppTest of the case pages (风险台账, 案件核查, 自查清单) on a small warehouse, logged in by role."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pension_risk.cases.store import CaseStore, default_store_path
from tests.access_helpers import add_accounts, logged_in, open_page
from tests.test_cases_roundtrip import make_warehouse


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch) -> Path:
    path = make_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(path))
    con.execute("create table reference.checklist_items as select * from (values "
                "('C01', '二', '核定待遇前未比对参保缴费和待遇状态', 'x', 1), "
                "('C02', '二', '未按月或定期比对生存状态、服刑情况', 'y', 2)) "
                "t(item_code, section, item_name, notice_text, sort_order)")
    con.execute("create table reference.rule_catalogue as select * from (values "
                "('R01', '死亡后仍发放待遇', '一', '养老金发放异常情况', true), "
                "('R07', '多个待遇领取人员共用一个银行账号', '一', '养老金发放异常情况', true)) "
                "t(rule_code, rule_name, section, section_name, has_amount)")
    con.close()
    add_accounts(default_store_path(path))
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(path))
    monkeypatch.delenv("PENSION_RISK_CASES", raising=False)
    return path


def test_worklist_page_shows_the_verifiers_agency_only(warehouse: Path):
    at = open_page(logged_in("verifier_340403"), "cases_worklist")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "风险台账"
    assert at.metric[0].value == "3"          # the three 340403 cases, never the 340406 one
    shown = at.dataframe[0].value
    assert sorted(shown["案件编号"]) == ["SUS-YD1", "f-r01-b", "f-r07-a"]
    at.checkbox(key="cases_overdue").check().run()
    assert at.metric[0].value == "1"          # the issued suspect


def test_city_reviewer_sees_every_agency(warehouse: Path):
    at = open_page(logged_in("reviewer"), "cases_worklist")
    assert not at.exception
    assert at.metric[0].value == "4"
    at.selectbox(key="cases_agency").set_value("340403").run()
    assert at.metric[0].value == "3"


def test_case_page_records_as_the_login_and_the_reviewer_passes_it(warehouse: Path):
    at = logged_in("verifier_340403")
    at.session_state["cases_selected"] = "f-r01-b"
    open_page(at, "cases_case")
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value.startswith("R01")
    labels = [t.label for t in at.text_input]
    assert not any("登记人" in label for label in labels)  # who records is the login, not free text
    at.selectbox[0].set_value("属实")
    at.text_input[1].input("500")      # 追回金额(元)
    at.button(key="FormSubmitter:case_form-保存").click().run()
    assert not at.exception
    assert "已保存" in at.success[0].value
    store = CaseStore(default_store_path(warehouse))
    case = store.get_case("f-r01-b")
    assert (case["conclusion"], case["recovered_amount"], case["verified_by"], case["updated_by"]) == (
        "属实", "500.00", "verifier_340403", "verifier_340403")
    assert case["review_status"] == "待复核"
    assert case["rule_code"] == "R01" and case["county_code"] == "340403"

    # the agency's reviewer passes it
    rv = logged_in("reviewer_340403")
    rv.session_state["cases_selected"] = "f-r01-b"
    open_page(rv, "cases_case")
    assert not rv.exception
    assert "#### 登记核查结论（初审）" not in [m.value for m in rv.markdown]  # a reviewer gets no 初审 form
    rv.radio[0].set_value("通过")
    rv.button(key="FormSubmitter:review_form-提交复核").click().run()
    assert not rv.exception
    assert "已通过" in rv.success[0].value
    case = store.get_case("f-r01-b")
    assert (case["review_status"], case["reviewed_by"]) == ("已复核", "reviewer_340403")


def test_checklist_page(warehouse: Path):
    at = open_page(logged_in("verifier_340403"), "cases_checklist")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "自查清单"
    assert at.metric[0].value == "2"
