"""Great Expectations suite for benefits.csv (待遇核定与领取资格, snapshot).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    AMOUNT,
    DATE,
    MONTH,
    TIMESTAMP,
    columns_in_order,
    in_set,
    matches,
    not_null,
    unique,
)

FILE = "benefits.csv"
STAGED_MODEL = "stg_landing__benefits"
RAW_COLUMNS = ['benefit_id', 'person_id', 'scheme_code', 'start_month', 'monthly_amount', 'determination', 'determined_by', 'reviewed_by', 'determined_at', 'status', 'status_reason', 'status_since', 'account_no']
KEY = ['benefit_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("benefit_id"),
        not_null("benefit_id"),
        not_null("person_id"),
        not_null("scheme_code"),
        in_set("scheme_code", ['110', '120', '170']),
        not_null("start_month"),
        matches("start_month", MONTH),
        not_null("monthly_amount"),
        matches("monthly_amount", AMOUNT),
        not_null("determination"),
        in_set("determination", ['1', '2']),
        not_null("determined_by"),
        not_null("determined_at"),
        matches("determined_at", TIMESTAMP),
        not_null("status"),
        in_set("status", ['1', '2', '4']),
        in_set("status_reason", ['1201', '1202', '1203', '1299', '1401', '1406', '1407', '1499']),
        not_null("status_since"),
        matches("status_since", DATE),
        not_null("account_no"),
    ]
