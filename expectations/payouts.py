"""Great Expectations suite for payouts.csv (待遇发放明细, increment).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    DATE,
    MONTH,
    SIGNED_AMOUNT,
    columns_in_order,
    in_set,
    matches,
    not_null,
    unique,
)

FILE = "payouts.csv"
STAGED_MODEL = "stg_landing__payouts"
RAW_COLUMNS = ['payout_id', 'benefit_id', 'person_id', 'period_from', 'period_to', 'pay_month', 'payout_type', 'amount', 'account_no', 'bank_code', 'channel', 'batch_id', 'pay_status', 'created_by', 'reviewed_by', 'paid_on']
KEY = ['payout_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("payout_id"),
        not_null("payout_id"),
        not_null("benefit_id"),
        not_null("person_id"),
        not_null("period_from"),
        matches("period_from", MONTH),
        not_null("period_to"),
        matches("period_to", MONTH),
        not_null("pay_month"),
        matches("pay_month", MONTH),
        not_null("payout_type"),
        in_set("payout_type", ['1', '2', '3']),
        not_null("amount"),
        matches("amount", SIGNED_AMOUNT),
        not_null("account_no"),
        not_null("bank_code"),
        in_set("bank_code", ['GS', 'NH', 'ZG', 'JS', 'YZ', 'NS']),
        not_null("channel"),
        in_set("channel", ['1', '2']),
        not_null("payout_batch_id"),
        not_null("pay_status"),
        in_set("pay_status", ['1', '2', '3']),
        not_null("created_by"),
        not_null("paid_on"),
        matches("paid_on", DATE),
    ]
