"""Every 合计 and 全市合计 figure of 附件1 and 附件2 agrees across the mart and both xlsx files.

How 合计 rows round (docs/DESIGN.md "Rounding of the official tables"): every agency
figure is rounded once from its yuan sum, so an agency's 附件2 合计 涉及金额 equals its
附件1 涉及金额; every 全市合计 figure is the sum of the agency figures as printed. The data
set is one where rounding the rows first would have made them disagree (asserted).
"""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest

from pension_risk.report import write_reports
from pension_risk.report.columns import BASIC_COLUMNS, BASIC_NOTE, PROBLEM_COLUMNS, PROBLEMS_NOTE
from pension_risk.report.xlsx import BASIC_FIRST_FIGURE_COL, FIRST_DATA_ROW, PROBLEMS_FIRST_FIGURE_COL
from tests.fixtures_reports import AGENCY_CODES, reports_warehouse  # noqa: F401
from tests.test_summary import rows

pytestmark = pytest.mark.slow
CENT = Decimal("0.01")


def shown(value) -> Decimal:
    """A figure at the precision the table shows (2 decimals for 万元, integers for counts)."""
    return Decimal(str(value)).quantize(CENT)


@pytest.fixture(scope="module")
def tables(reports_warehouse, tmp_path_factory):  # noqa: F811
    wh = reports_warehouse.warehouse
    basic_path, problems_path = write_reports(wh, tmp_path_factory.mktemp("totals"))
    return {
        "warehouse": wh,
        "basic": {r["agency_code"]: r for r in rows(wh, "select * from marts.summary_basic")},
        "problems": rows(wh, "select * from marts.summary_problems"),
        "totals": {r["agency_code"]: r for r in rows(wh, "select * from marts.summary_problems_totals")},
        "flags": rows(wh, "select county_code, amount from marts.risk_flags"),
        "names": {r["agency_code"]: r["agency_name"] for r in rows(wh, "select * from reference.agencies")},
        "basic_xlsx": openpyxl.load_workbook(basic_path)["附件1"],
        "problems_xlsx": openpyxl.load_workbook(problems_path),
    }


def sheet_total_row(ws) -> tuple:
    return next(r for r in ws.iter_rows(min_row=FIRST_DATA_ROW) if r[0].value == "合计")


def test_agency_amounts_round_once_from_yuan(tables):
    yuan: dict[str, Decimal] = {c: Decimal(0) for c in AGENCY_CODES}
    for f in tables["flags"]:
        if f["amount"] is not None and f["county_code"] in yuan:
            yuan[f["county_code"]] += f["amount"]
    for code in AGENCY_CODES:
        once = (yuan[code] / 10000).quantize(CENT)  # ROUND_HALF_EVEN vs half-up: never a half cent of 万元 here
        assert tables["basic"][code]["flag_amount"] == once, code
        assert tables["totals"][code]["amount_involved"] == once, code
    # the data exercise the rule: summing the rounded item rows would have disagreed somewhere
    naive = {c: sum((r["amount_involved"] for r in tables["problems"]
                     if r["agency_code"] == c and r["amount_involved"] is not None), Decimal(0)) for c in AGENCY_CODES}
    assert any(naive[c] != tables["totals"][c]["amount_involved"] for c in AGENCY_CODES), naive


def test_every_total_agrees_between_mart_and_both_xlsx(tables):
    basic, totals, names = tables["basic"], tables["totals"], tables["names"]
    ws1, wb2 = tables["basic_xlsx"], tables["problems_xlsx"]
    # 附件1: every row of the xlsx equals the mart; 全市合计 = the sum of the agency rows
    printed = {ws1.cell(FIRST_DATA_ROW + i, 1).value: i for i in range(9)}
    for code in AGENCY_CODES + ["TOTAL"]:
        r = FIRST_DATA_ROW + printed["全市合计" if code == "TOTAL" else names[code]]
        for k, column in enumerate(BASIC_COLUMNS):
            assert shown(ws1.cell(r, BASIC_FIRST_FIGURE_COL + k).value) == shown(basic[code][column.name]), (code, column.name)
    for column in BASIC_COLUMNS:
        assert sum(shown(basic[c][column.name]) for c in AGENCY_CODES) == shown(basic["TOTAL"][column.name]), column.name
    # 附件2: each sheet's 合计 row equals the mart's 合计 row; 全市合计 sheet = sum of the agency 合计 rows
    for code in AGENCY_CODES + ["TOTAL"]:
        row = sheet_total_row(wb2["全市合计" if code == "TOTAL" else names[code]])
        for k, column in enumerate(PROBLEM_COLUMNS):
            cell = row[PROBLEMS_FIRST_FIGURE_COL - 1 + k].value
            assert shown(cell) == shown(totals[code][column.name]), (code, column.name, cell)
    for column in PROBLEM_COLUMNS:
        assert sum(shown(totals[c][column.name]) for c in AGENCY_CODES) == shown(totals["TOTAL"][column.name]), column.name
    # a figure both tables show: 涉及金额 of every agency and of 全市合计, in the mart and in both files
    for code in AGENCY_CODES + ["TOTAL"]:
        r = FIRST_DATA_ROW + printed["全市合计" if code == "TOTAL" else names[code]]
        in_basic = shown(ws1.cell(r, BASIC_FIRST_FIGURE_COL + [c.name for c in BASIC_COLUMNS].index("flag_amount")).value)
        in_sheet = shown(sheet_total_row(wb2["全市合计" if code == "TOTAL" else names[code]])[
            PROBLEMS_FIRST_FIGURE_COL - 1 + [c.name for c in PROBLEM_COLUMNS].index("amount_involved")].value)
        assert in_basic == in_sheet == basic[code]["flag_amount"] == totals[code]["amount_involved"], code
    # the TOTAL rows of 附件2's 全市合计 sheet are the sums of the agency rows, item by item
    items: dict[str, dict[str, Decimal]] = {}
    for r in tables["problems"]:
        for column in PROBLEM_COLUMNS:
            if r[column.name] is not None:
                key = "TOTAL" if r["agency_code"] == "TOTAL" else "sum"
                items.setdefault(f"{r['item_code']}|{column.name}", {}).setdefault(key, Decimal(0))
                items[f"{r['item_code']}|{column.name}"][key] += shown(r[column.name])
    assert items and all(v.get("TOTAL") == v.get("sum") for v in items.values())


def test_both_tables_explain_what_differs_by_definition(tables):
    basic_text = [c.value for row in tables["basic_xlsx"].iter_rows() for c in row if isinstance(c.value, str)]
    assert BASIC_NOTE in basic_text and "不重复人数" in BASIC_NOTE and "按问题项" in BASIC_NOTE
    for ws in tables["problems_xlsx"].worksheets:
        text = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert PROBLEMS_NOTE in text, ws.title
    assert "按问题项分别统计" in PROBLEMS_NOTE and "与附件1相应金额一致" in PROBLEMS_NOTE
    # and the figures really differ by that definition: 附件2's per-item 涉及人数 >= 附件1's distinct persons
    basic, totals = tables["basic"], tables["totals"]
    assert all(totals[c]["persons_involved"] >= basic[c]["flag_persons"] for c in AGENCY_CODES + ["TOTAL"])
