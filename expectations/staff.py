"""Great Expectations suite for staff.xlsx (人员花名册, snapshot).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    DATE,
    ID18,
    columns_in_order,
    in_set,
    matches,
    not_null,
    unique,
)

FILE = "staff.xlsx"
STAGED_MODEL = "stg_landing__staff"
RAW_COLUMNS = ['user_id', 'name', 'id_number', 'agency_code', 'post', 'employment_status', 'left_on']
KEY = ['user_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("user_id"),
        not_null("user_id"),
        not_null("name"),
        matches("nid", ID18),
        not_null("agency_code"),
        in_set("agency_code", ['340400', '340402', '340403', '340404', '340405', '340406', '340421', '340422']),
        not_null("employment_status"),
        in_set("employment_status", ['在岗', '离职', '调离', '退休']),
        matches("left_on", DATE),
    ]
