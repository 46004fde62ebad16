"""Cells of every xlsx the product writes: data are never written as a formula.

openpyxl turns any string that begins with ``=`` into a formula; Excel and WPS
also evaluate text beginning with ``+``, ``-``, ``@``, tab or carriage return
when a user edits the cell (CSV/formula injection: a ``=HYPERLINK(...)`` in a
问题说明 would send the next row's name and id number away when clicked). Every
value from data goes through :func:`put`, which writes such strings as text
(inline string, quote prefix).
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def put(ws, row: int, column: int, value: Any):
    """Write one data value into ws at (row, column) so it can never be a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if is_risky(value):
            cell.quotePrefix = True
    return cell


def append(ws, values: list[Any]) -> int:
    """ws.append for data rows: every string written as text. Returns the row number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(row=1, column=1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row
