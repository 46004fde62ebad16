"""Great Expectations suite for regions.csv (行政区划, snapshot).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    columns_in_order,
    in_set,
    not_null,
    unique,
)

FILE = "regions.csv"
STAGED_MODEL = "stg_landing__regions"
RAW_COLUMNS = ['code', 'name', 'level', 'parent_code']
KEY = ['code']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("code"),
        not_null("code"),
        not_null("name"),
        not_null("level"),
        in_set("level", ['county', 'town', 'village']),
    ]
