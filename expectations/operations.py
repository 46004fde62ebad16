"""Great Expectations suite for operations.csv (经办系统操作日志, increment).

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

FILE = "operations.csv"
STAGED_MODEL = "stg_landing__operations"
RAW_COLUMNS = ['log_id', 'user_id', 'op_code', 'person_id', 'target_id', 'batch_id', 'operated_at', 'reviewer_id', 'client_ip']
KEY = ['log_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("log_id"),
        not_null("log_id"),
        not_null("user_id"),
        not_null("op_code"),
        in_set("op_code", ['LOGIN', 'BENEFIT_DETERMINE', 'STATUS_SUSPEND', 'STATUS_TERMINATE', 'STATUS_RESUME', 'AMOUNT_ADJUST', 'BACKPAY', 'BANK_CHANGE', 'PAYOUT_APPROVE', 'CERT_CONFIRM', 'ROLE_GRANT']),
        not_null("operated_at"),
        matches("operated_at", TIMESTAMP),
    ]
