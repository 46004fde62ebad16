"""Great Expectations suite for status_changes.csv (待遇状态变更, increment).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    TIMESTAMP,
    columns_in_order,
    in_set,
    matches,
    not_null,
    unique,
)

FILE = "status_changes.csv"
STAGED_MODEL = "stg_landing__status_changes"
RAW_COLUMNS = ['change_id', 'benefit_id', 'person_id', 'from_status', 'to_status', 'reason_code', 'operator_id', 'reviewer_id', 'operated_at', 'batch_id']
KEY = ['change_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("change_id"),
        not_null("change_id"),
        not_null("benefit_id"),
        not_null("person_id"),
        not_null("from_status"),
        in_set("from_status", ['1', '2', '4']),
        not_null("to_status"),
        in_set("to_status", ['1', '2', '4']),
        not_null("reason_code"),
        in_set("reason_code", ['1201', '1202', '1203', '1299', '1401', '1406', '1407', '1499', '2101', '2102', '2199']),
        not_null("operator_id"),
        not_null("operated_at"),
        matches("operated_at", TIMESTAMP),
    ]
