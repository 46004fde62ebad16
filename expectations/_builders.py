"""Small constructors for Great Expectations 1.x expectations (imported lazily: GX is slow to import)."""

from __future__ import annotations

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MONTH = r"^[0-9]{4}-[0-9]{2}-01$"  # months are staged as the first day of the month
TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
AMOUNT = r"^[0-9]+([.][0-9]{1,2})?$"
SIGNED_AMOUNT = r"^-?[0-9]+([.][0-9]{1,2})?$"
ID18 = r"^[0-9]{17}[0-9X]$"


def _gx():
    import great_expectations as gx

    return gx.expectations


def columns_in_order(columns: list[str]):
    return _gx().ExpectTableColumnsToMatchOrderedList(column_list=list(columns))


def not_null(column: str):
    return _gx().ExpectColumnValuesToNotBeNull(column=column)


def unique(column: str):
    return _gx().ExpectColumnValuesToBeUnique(column=column)


def compound_unique(columns: list[str]):
    return _gx().ExpectCompoundColumnsToBeUnique(column_list=list(columns))


def in_set(column: str, values: list[str]):
    return _gx().ExpectColumnValuesToBeInSet(column=column, value_set=list(values))


def matches(column: str, regex: str):
    return _gx().ExpectColumnValuesToMatchRegex(column=column, regex=regex)
