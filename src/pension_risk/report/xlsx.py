"""附件1 / 附件2 as the xlsx forms a bureau sends upward (openpyxl).

Layout of both: 附件N mark, title, 填报单位 / 数据截至日期 / 单位 line, a two-level
merged header (rows 4-5), the data rows, and the 填表人 / 审核人 / 联系电话 /
填报日期 line. A4 landscape, fitted to one page wide, header rows repeated on
every printed page, panes frozen below the header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pension_risk.report.columns import (
    BASIC_COLUMNS,
    BASIC_NOTE,
    BASIC_TITLE,
    BUREAU,
    ITEM_SOURCE,
    PROBLEM_COLUMNS,
    PROBLEMS_NOTE,
    PROBLEMS_TITLE,
    TOTAL_CODE,
    TOTAL_NAME,
    Column,
)
from pension_risk.report.warehouse import Row, Summaries

HEADER_TOP, HEADER_BOTTOM = 4, 5
FIRST_DATA_ROW = 6
# 附件1: column A = 填报单位, figures from column B on.
BASIC_FIRST_FIGURE_COL = 2
# 附件2: A 序号, B 问题项, C 问题来源, figures from column D on.
PROBLEMS_FIRST_FIGURE_COL = 4
NOT_APPLICABLE = "—"

BASIC_FILE = "附件1_社保基金管理风险排查基本情况汇总表.xlsx"
PROBLEMS_FILE = "附件2_社保基金管理风险排查问题情况汇总表.xlsx"

FONT_NAME = "宋体"
TITLE_FONT = Font(name="黑体", size=18, bold=True)
MARK_FONT = Font(name="黑体", size=12)
INFO_FONT = Font(name=FONT_NAME, size=11)
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
COUNT_FORMAT = "#,##0"
AMOUNT_FORMAT = "#,##0.00"


def chinese_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def reporting_unit(agency_code: str, agency_name: str) -> str:
    """填报单位 as written on the form."""
    if agency_code == TOTAL_CODE:
        return f"{BUREAU}（全市汇总）"
    if agency_code == "340400":
        return f"{BUREAU}（市本级）"
    return f"{agency_name}人力资源和社会保障局"


def cell_value(value: Any, column: Column) -> Any:
    """Value as written into a figure cell: int, float (2 decimals) or — for not applicable."""
    if value is None:
        return NOT_APPLICABLE
    if column.kind == "amount":
        return float(Decimal(value).quantize(Decimal("0.01")))
    return int(value)


def _style_range(ws: Worksheet, top: int, left: int, bottom: int, right: int, **styles: Any) -> None:
    for row in ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right):
        for cell in row:
            for key, value in styles.items():
                setattr(cell, key, value)


def _merge(ws: Worksheet, top: int, left: int, bottom: int, right: int, value: Any, **styles: Any) -> None:
    if (top, left) != (bottom, right):
        ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    ws.cell(row=top, column=left, value=value)
    _style_range(ws, top, left, bottom, right, **styles)


def _preamble(ws: Worksheet, mark: str, title: str, unit_text: str, as_of: dt.date | None,
              units: str, width: int) -> None:
    ws.cell(row=1, column=1, value=mark).font = MARK_FONT
    _merge(ws, 2, 1, 2, width, title, font=TITLE_FONT, alignment=CENTER)
    ws.row_dimensions[2].height = 36
    third = max(width // 3, 1)
    _merge(ws, 3, 1, 3, third + 1, f"填报单位：{unit_text}", font=INFO_FONT, alignment=LEFT)
    _merge(ws, 3, third + 2, 3, width - third, f"数据截至日期：{chinese_date(as_of)}", font=INFO_FONT,
           alignment=CENTER)
    _merge(ws, 3, width - third + 1, 3, width, f"单位：{units}", font=INFO_FONT,
           alignment=Alignment(horizontal="right", vertical="center"))
    ws.row_dimensions[3].height = 22


def _figure_headers(ws: Worksheet, columns: Sequence[Column], first_col: int) -> None:
    """Two-level header for the figure columns: groups merged over their sub-columns."""
    col = first_col
    i = 0
    while i < len(columns):
        column = columns[i]
        if column.group is None:
            _merge(ws, HEADER_TOP, col, HEADER_BOTTOM, col, column.header)
            i, col = i + 1, col + 1
            continue
        j = i
        while j < len(columns) and columns[j].group == column.group:
            ws.cell(row=HEADER_BOTTOM, column=col + (j - i), value=columns[j].header)
            j += 1
        _merge(ws, HEADER_TOP, col, HEADER_TOP, col + (j - i) - 1, column.group)
        col += j - i
        i = j


def _finish_header(ws: Worksheet, width: int) -> None:
    _style_range(ws, HEADER_TOP, 1, HEADER_BOTTOM, width, font=HEADER_FONT, alignment=CENTER,
                 border=BORDER, fill=HEADER_FILL)
    ws.row_dimensions[HEADER_TOP].height = 24
    ws.row_dimensions[HEADER_BOTTOM].height = 48


def _figures(ws: Worksheet, row: int, first_col: int, columns: Sequence[Column], values: Row,
             font: Font = BODY_FONT) -> None:
    for offset, column in enumerate(columns):
        cell = ws.cell(row=row, column=first_col + offset, value=cell_value(values.get(column.name), column))
        cell.border = BORDER
        cell.font = font
        if cell.value == NOT_APPLICABLE:
            cell.alignment = CENTER
        else:
            cell.alignment = RIGHT
            cell.number_format = AMOUNT_FORMAT if column.kind == "amount" else COUNT_FORMAT


def _signature_line(ws: Worksheet, row: int, width: int) -> None:
    today = chinese_date(dt.date.today())
    parts = ["填表人：", "审核人：", "联系电话：", f"填报日期：{today}"]
    span = max(width // len(parts), 1)
    for k, text in enumerate(parts):
        left = 1 + k * span
        right = width if k == len(parts) - 1 else left + span - 1
        _merge(ws, row, left, row, right, text, font=INFO_FONT, alignment=LEFT)
    ws.row_dimensions[row].height = 24


def _note(ws: Worksheet, row: int, width: int, text: str) -> None:
    """The note under the table (merged over the table's width, wrapped)."""
    _merge(ws, row, 1, row, width, text, font=INFO_FONT, alignment=LEFT)
    ws.row_dimensions[row].height = 36


def _print_setup(ws: Worksheet, width: int, last_row: int) -> None:
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=2)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_TOP}:{HEADER_BOTTOM}"
    ws.print_area = f"A1:{get_column_letter(width)}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_basic(summaries: Summaries, path: Path) -> Path:
    """附件1: one row per agency and 全市合计."""
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    width = BASIC_FIRST_FIGURE_COL + len(BASIC_COLUMNS) - 1
    _preamble(ws, "附件1", BASIC_TITLE, BUREAU, summaries.as_of, "万元、人、条", width)
    _merge(ws, HEADER_TOP, 1, HEADER_BOTTOM, 1, "填报单位")
    _figure_headers(ws, BASIC_COLUMNS, BASIC_FIRST_FIGURE_COL)
    _finish_header(ws, width)
    row = FIRST_DATA_ROW
    for values in summaries.basic:
        is_total = values["agency_code"] == TOTAL_CODE
        font = BOLD_FONT if is_total else BODY_FONT
        name = ws.cell(row=row, column=1, value=values["agency_name"])
        name.border, name.font, name.alignment = BORDER, font, CENTER
        _figures(ws, row, BASIC_FIRST_FIGURE_COL, BASIC_COLUMNS, values, font)
        if is_total:
            _style_range(ws, row, 1, row, width, fill=TOTAL_FILL)
        ws.row_dimensions[row].height = 22
        row += 1
    _note(ws, row, width, BASIC_NOTE)
    _signature_line(ws, row + 2, width)
    ws.column_dimensions["A"].width = 13
    for offset, column in enumerate(BASIC_COLUMNS):
        letter = get_column_letter(BASIC_FIRST_FIGURE_COL + offset)
        ws.column_dimensions[letter].width = 14 if column.kind == "amount" else 10
    _print_setup(ws, width, row + 2)
    wb.save(path)
    return path


def _problems_sheet(wb: Workbook, title: str, agency_code: str, agency_name: str, rows: list[Row],
                    totals: Row, as_of: dt.date | None) -> None:
    """One 附件2 sheet; `totals` is its 合计 row from the mart (amounts rounded once from yuan,
    so an agency's 合计 涉及金额 equals its 附件1 涉及金额; see docs/DESIGN.md)."""
    ws = wb.create_sheet(title=title[:31])
    width = PROBLEMS_FIRST_FIGURE_COL + len(PROBLEM_COLUMNS) - 1
    _preamble(ws, "附件2", PROBLEMS_TITLE, reporting_unit(agency_code, agency_name), as_of,
              "万元、个、人", width)
    _merge(ws, HEADER_TOP, 1, HEADER_BOTTOM, 1, "序号")
    _merge(ws, HEADER_TOP, 2, HEADER_BOTTOM, 2, "排查内容及问题项")
    _merge(ws, HEADER_TOP, 3, HEADER_BOTTOM, 3, "问题来源")
    _figure_headers(ws, PROBLEM_COLUMNS, PROBLEMS_FIRST_FIGURE_COL)
    _finish_header(ws, width)
    row = FIRST_DATA_ROW
    section = None
    number = 0
    for values in rows:
        if values["section"] != section:
            section = values["section"]
            ws.cell(row=row, column=1, value=section)
            _merge(ws, row, 2, row, width, values["section_name"])
            _style_range(ws, row, 1, row, width, font=BOLD_FONT, fill=SECTION_FILL, border=BORDER)
            ws.cell(row=row, column=1).alignment = CENTER
            ws.cell(row=row, column=2).alignment = LEFT
            ws.row_dimensions[row].height = 20
            row += 1
        number += 1
        ws.cell(row=row, column=1, value=number)
        ws.cell(row=row, column=2, value=values["item_name"])
        ws.cell(row=row, column=3, value=ITEM_SOURCE.get(values["item_type"], values["item_type"]))
        _style_range(ws, row, 1, row, 3, font=BODY_FONT, border=BORDER, alignment=CENTER)
        ws.cell(row=row, column=2).alignment = LEFT
        _figures(ws, row, PROBLEMS_FIRST_FIGURE_COL, PROBLEM_COLUMNS, values)
        ws.row_dimensions[row].height = 20
        row += 1
    _merge(ws, row, 1, row, 3, "合计", font=BOLD_FONT, alignment=CENTER, border=BORDER)
    _figures(ws, row, PROBLEMS_FIRST_FIGURE_COL, PROBLEM_COLUMNS, totals, BOLD_FONT)
    _style_range(ws, row, 1, row, width, fill=TOTAL_FILL)
    ws.row_dimensions[row].height = 22
    _note(ws, row + 1, width, PROBLEMS_NOTE)
    _signature_line(ws, row + 3, width)
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 9
    for offset, column in enumerate(PROBLEM_COLUMNS):
        letter = get_column_letter(PROBLEMS_FIRST_FIGURE_COL + offset)
        ws.column_dimensions[letter].width = 12 if column.kind == "amount" else 8.5
    _print_setup(ws, width, row + 3)


def write_problems(summaries: Summaries, path: Path) -> Path:
    """附件2: one sheet for 全市合计 (first) and one per agency, in row order."""
    wb = Workbook()
    wb.remove(wb.active)
    codes = [r["agency_code"] for r in summaries.basic]
    ordered = [TOTAL_CODE] + [c for c in codes if c != TOTAL_CODE]
    for code in ordered:
        name = summaries.agency_names.get(code, TOTAL_NAME if code == TOTAL_CODE else code)
        _problems_sheet(wb, name, code, name, summaries.problems.get(code, []),
                        summaries.problem_totals.get(code, {}), summaries.as_of)
    wb.save(path)
    return path
