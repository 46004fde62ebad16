"""Great Expectations suite for reconciliations.csv (支出户银行对账, increment).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    MONTH,
    SIGNED_AMOUNT,
    columns_in_order,
    in_set,
    matches,
    not_null,
    unique,
)

FILE = "reconciliations.csv"
STAGED_MODEL = "stg_landing__reconciliations"
RAW_COLUMNS = ['recon_id', 'county_code', 'bank_account', 'month', 'book_balance', 'bank_balance', 'prepared_by', 'reviewed_by']
KEY = ['recon_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("recon_id"),
        not_null("recon_id"),
        not_null("county_code"),
        in_set("county_code", ['340400', '340402', '340403', '340404', '340405', '340406', '340421', '340422']),
        not_null("month"),
        matches("month", MONTH),
        not_null("book_balance"),
        matches("book_balance", SIGNED_AMOUNT),
        not_null("bank_balance"),
        matches("bank_balance", SIGNED_AMOUNT),
    ]
