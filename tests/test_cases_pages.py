"""AppTest smoke tests of the case pages (风险台账, 案件核查, 自查清单) on a small warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pension_risk.cases.store import CaseStore, default_store_path
from tests.test_cases_roundtrip import make_warehouse

PAGES = Path(__file__).resolve().parents[1] / "dashboards" / "pages"


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch) -> Path:
    path = make_warehouse(tmp_path / "w.duckdb")
    con = duckdb.connect(str(path))
    con.execute("create table reference.checklist_items as select * from (values "
                "('C01', '二', '核定待遇前未比对参保缴费和待遇状态', 'x', 1), "
                "('C02', '二', '未按月或定期比对生存状态、服刑情况', 'y', 2)) "
                "t(item_code, section, item_name, notice_text, sort_order)")
    con.execute("create table reference.rule_catalogue as select * from (values "
                "('R01', '死亡后仍发放待遇', '一'), ('R07', '多个待遇领取人员共用一个银行账号', '一')) "
                "t(rule_code, rule_name, section)")
    con.close()
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(path))
    monkeypatch.delenv("PENSION_RISK_CASES", raising=False)
    return path


def _app(name: str) -> AppTest:
    return AppTest.from_file(str(PAGES / name), default_timeout=30)


def test_worklist_page(warehouse: Path):
    at = _app("cases_worklist.py").run()
    assert not at.exception
    assert at.title[0].value == "风险台账"
    assert at.metric[0].value == "4"
    at.selectbox(key="cases_agency").set_value("340403").run()
    assert at.metric[0].value == "3"
    at.checkbox(key="cases_overdue").check().run()
    assert at.metric[0].value == "1"   # the issued suspect


def test_case_page_records_a_conclusion(warehouse: Path):
    at = _app("cases_case.py")
    at.session_state["cases_selected"] = "f-r01-b"
    at.run()
    assert not at.exception
    assert at.subheader[0].value.startswith("R01")
    at.selectbox[0].set_value("属实")
    at.text_input[1].input("500")      # 追回金额(元)
    at.text_input[3].input("核查员甲")  # 登记人
    at.button[0].click().run()
    assert not at.exception
    assert "已保存" in at.success[0].value
    case = CaseStore(default_store_path(warehouse)).get_case("f-r01-b")
    assert (case["conclusion"], case["recovered_amount"], case["verified_by"]) == ("属实", "500.00", "核查员甲")
    assert case["rule_code"] == "R01" and case["county_code"] == "340403"


def test_checklist_page(warehouse: Path):
    at = _app("cases_checklist.py").run()
    assert not at.exception
    assert at.title[0].value == "自查清单"
    assert at.metric[0].value == "2"
