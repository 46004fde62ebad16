"""`pension-risk report`: 附件1 / 附件2 xlsx carry exactly the mart's figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pension_risk.cli import main
from pension_risk.errors import PensionRiskError
from pension_risk.report import BASIC_FILE, PROBLEMS_FILE, write_reports
from pension_risk.report.columns import BASIC_COLUMNS, PROBLEM_COLUMNS
from pension_risk.report.xlsx import (
    BASIC_FIRST_FIGURE_COL,
    FIRST_DATA_ROW,
    NOT_APPLICABLE,
    PROBLEMS_FIRST_FIGURE_COL,
)
from tests.fixtures_reports import AGENCY_CODES, reports_warehouse  # noqa: F401
from tests.test_summary import rows


def as_cell(value):
    if value is None:
        return NOT_APPLICABLE
    return value


def same(cell_value, mart_value) -> bool:
    if mart_value is None:
        return cell_value == NOT_APPLICABLE
    if isinstance(mart_value, Decimal):
        return Decimal(str(cell_value)).quantize(Decimal("0.01")) == mart_value
    return cell_value == mart_value


@pytest.fixture(scope="module")
def reports(reports_warehouse, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp("reports")
    paths = write_reports(reports_warehouse.warehouse, out)
    return reports_warehouse.warehouse, paths


@pytest.mark.slow
def test_writes_both_files(reports):
    _, paths = reports
    assert [p.name for p in paths] == [BASIC_FILE, PROBLEMS_FILE]
    assert all(p.stat().st_size > 5000 for p in paths)


@pytest.mark.slow
def test_basic_cells_equal_the_mart(reports):
    warehouse, paths = reports
    ws = openpyxl.load_workbook(paths[0])["附件1"]
    assert ws["B2"].value is None and "基本情况汇总表" in ws["A2"].value
    assert ws["A3"].value.startswith("填报单位：") and "数据截至日期：2021年6月30日" in ws[f"{_col(ws, 3)}"].value
    mart = rows(warehouse, "select * from marts.summary_basic order by sort_order")
    for offset, expected in enumerate(mart):
        r = FIRST_DATA_ROW + offset
        assert ws.cell(r, 1).value == expected["agency_name"]
        for k, column in enumerate(BASIC_COLUMNS):
            cell = ws.cell(r, BASIC_FIRST_FIGURE_COL + k)
            assert same(cell.value, expected[column.name]), (expected["agency_code"], column.name, cell.value)
            assert cell.number_format == ("#,##0.00" if column.kind == "amount" else "#,##0")
    assert ws.cell(FIRST_DATA_ROW + 8, 1).value == "全市合计"
    # the TOTAL row of the sheet is the sum of its agency rows
    for k, column in enumerate(BASIC_COLUMNS):
        col = BASIC_FIRST_FIGURE_COL + k
        agencies = sum(Decimal(str(ws.cell(FIRST_DATA_ROW + i, col).value)) for i in range(8))
        assert agencies == Decimal(str(ws.cell(FIRST_DATA_ROW + 8, col).value)), column.name
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "B4:E4" in merged and "A4:A5" in merged  # 待遇领取人数 over 居民/企业/机关/合计
    assert ws["B4"].value == "待遇领取人数" and [ws.cell(5, c).value for c in range(2, 6)] == ["居民", "企业", "机关", "合计"]
    assert ws.freeze_panes == "B6"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert any(str(c.value or "").startswith("填表人") for row in ws.iter_rows() for c in row)


def _col(ws, row):
    for cell in ws[row]:
        if cell.value and "数据截至日期" in str(cell.value):
            return cell.coordinate
    raise AssertionError("no 数据截至日期")


@pytest.mark.slow
def test_problem_sheets_equal_the_mart(reports):
    warehouse, paths = reports
    wb = openpyxl.load_workbook(paths[1])
    names = {r["agency_code"]: r["agency_name"] for r in rows(warehouse, "select * from reference.agencies")}
    assert wb.sheetnames == ["全市合计"] + [names[c] for c in AGENCY_CODES]
    mart = rows(warehouse, "select * from marts.summary_problems order by agency_sort_order, item_order")
    for code in AGENCY_CODES + ["TOTAL"]:
        ws = wb["全市合计" if code == "TOTAL" else names[code]]
        expected = [r for r in mart if r["agency_code"] == code]
        items = [row for row in ws.iter_rows(min_row=FIRST_DATA_ROW) if isinstance(row[0].value, int)]
        assert len(items) == len(expected) == 51
        for row, exp in zip(items, expected, strict=True):
            assert row[1].value == exp["item_name"]
            for k, column in enumerate(PROBLEM_COLUMNS):
                value = row[PROBLEMS_FIRST_FIGURE_COL - 1 + k].value
                assert same(value, exp[column.name]), (code, exp["item_code"], column.name, value)
        sections = [row[1].value for row in ws.iter_rows(min_row=FIRST_DATA_ROW)
                    if row[0].value in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")]
        assert sections[0] == "养老金发放异常情况" and len(sections) == 10
    # checklist answers of the case store appear on their agency's sheet
    ws = wb[names["340402"]]
    c06 = next(row for row in ws.iter_rows(min_row=FIRST_DATA_ROW) if row[1].value == "未建立行政村（社区）参保人员死亡报告制度")
    assert c06[2].value == "自查" and c06[3].value == 1


def test_missing_warehouse_is_a_clear_error(tmp_path: Path, capsys):
    with pytest.raises(PensionRiskError, match="warehouse not found"):
        write_reports(tmp_path / "nope.duckdb", tmp_path / "out")
    assert main(["report", "--warehouse", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "warehouse not found" in err[0]


def test_not_a_warehouse_is_a_clear_error(tmp_path: Path):
    text = tmp_path / "text.duckdb"
    text.write_text("not a database")
    with pytest.raises(PensionRiskError, match="not a DuckDB warehouse"):
        write_reports(text, tmp_path / "out")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PensionRiskError, match="not a published warehouse"):
        write_reports(empty, tmp_path / "out")
    assert not (tmp_path / "out" / BASIC_FILE).exists()
