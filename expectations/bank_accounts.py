"""Great Expectations suite for bank_accounts.csv (发放账户, snapshot).

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

FILE = "bank_accounts.csv"
STAGED_MODEL = "stg_landing__bank_accounts"
RAW_COLUMNS = ['account_no', 'bank_code', 'holder_name', 'holder_id_number', 'opened_on']
KEY = ['account_no']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("account_no"),
        not_null("account_no"),
        not_null("bank_code"),
        in_set("bank_code", ['GS', 'NH', 'ZG', 'JS', 'YZ', 'NS']),
        not_null("holder_name"),
        matches("holder_nid", ID18),
        not_null("opened_on"),
        matches("opened_on", DATE),
    ]
