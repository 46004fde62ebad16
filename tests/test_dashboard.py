"""Dashboard (AppTest): every page renders, and its figures are the mart's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest  # noqa: F401

from pension_risk.report.columns import BASIC_COLUMNS, PROBLEM_COLUMNS
from tests.access_helpers import logged_in
from tests.access_helpers import open_page as open_page_of
from tests.fixtures_reports import AGENCY_CODES, reports_warehouse  # noqa: F401
from tests.test_summary import rows

pytestmark = pytest.mark.slow

PAGES = ["overview", "county", "rules", "clusters", "quality", "freshness"]


@pytest.fixture
def app(reports_warehouse, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(reports_warehouse.warehouse))
    monkeypatch.delenv("PENSION_RISK_CASES", raising=False)

    def open_page(page: str = "overview", login: str = "leader") -> AppTest:
        at = logged_in(login)
        if page != "overview":
            open_page_of(at, page)
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_page


def parse(text: str):
    if text == "—":
        return None
    return Decimal(text.replace(",", ""))


def same(shown: str, mart) -> bool:
    value = parse(shown)
    return value is None if mart is None else value == Decimal(str(mart))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app, page):
    at = app(page)
    assert at.title[0].value
    assert not at.error, [e.value for e in at.error]


def test_overview_table_equals_the_mart(app, reports_warehouse):  # noqa: F811
    at = app("overview")
    table = at.table[0].value
    mart = rows(reports_warehouse.warehouse, "select * from marts.summary_basic order by sort_order")
    assert table.index.tolist() == [r["agency_name"] for r in mart]
    for r in mart:
        for column in BASIC_COLUMNS:
            assert same(table.loc[r["agency_name"], column.label], r[column.name]), (r["agency_code"], column.name)
    metrics = {m.label: m.value for m in at.metric}
    total = mart[-1]
    assert parse(metrics["系统筛查疑点数"]) == total["system_flags"]
    assert parse(metrics["涉及金额(万元)"]) == total["flag_amount"]
    assert parse(metrics["追回金额(万元)"]) == total["recovered_amount"] == Decimal("1.23")


@pytest.mark.parametrize("agency_code", ["TOTAL", "340402", "340406"])
def test_county_page_equals_the_mart(app, reports_warehouse, agency_code):  # noqa: F811
    at = app("county")
    at.selectbox(key="county_agency").set_value(agency_code).run()
    shown = at.dataframe[0].value
    mart = rows(reports_warehouse.warehouse,
                f"select * from marts.summary_problems where agency_code = '{agency_code}' order by item_order")
    assert shown["问题项"].tolist() == [r["item_name"] for r in mart]
    for i, r in enumerate(mart):
        for column in PROBLEM_COLUMNS:
            assert same(shown[column.label].iloc[i], r[column.name]), (r["item_code"], column.name)
    basic = rows(reports_warehouse.warehouse, f"select * from marts.summary_basic where agency_code = '{agency_code}'")[0]
    metrics = {m.label: m.value for m in at.metric}
    assert parse(metrics["系统筛查疑点数"]) == basic["system_flags"]
    assert parse(metrics["涉及金额(万元)"]) == basic["flag_amount"]


def test_personal_data_masked_by_default(app, reports_warehouse):  # noqa: F811
    flags = rows(reports_warehouse.warehouse,
                 "select evidence from marts.risk_flags where rule_code = 'R01' order by county_code, subject_id")
    import json
    id_number = json.loads(flags[0]["evidence"])["id_number"]
    at = app("rules")
    at.selectbox(key="rules_rule").set_value("R01").run()
    facts = at.dataframe[1].value  # the evidence's facts (项目, 内容) below the list of flags
    shown = dict(zip(facts["项目"], facts["内容"], strict=True))
    assert id_number not in str(facts.to_numpy()) and shown["身份证号"] == f"{id_number[:6]}********{id_number[-4:]}"
    assert not at.toggle  # no switch to unmask: the role decides (tests/test_access_dashboard.py)


def test_rules_page_lists_every_flag_of_the_rule(app, reports_warehouse):  # noqa: F811
    at = app("rules")
    at.selectbox(key="rules_rule").set_value("R01").run()
    expected = [f for f in reports_warehouse.flags if f["rule_code"] == "R01"]
    assert len(at.dataframe[0].value) == len(expected)
    assert at.metric[0].value == str(len(expected))


def test_missing_warehouse_shows_a_message(monkeypatch, tmp_path):
    from tests.access_helpers import add_accounts

    store = tmp_path / "cases.sqlite"
    add_accounts(store, ["leader"])
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(tmp_path / "missing.duckdb"))
    monkeypatch.setenv("PENSION_RISK_CASES", str(store))
    at = logged_in("leader")
    assert not at.exception
    assert "找不到已发布的数据仓库文件" in at.error[0].value
