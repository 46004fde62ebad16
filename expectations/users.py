"""Great Expectations suite for users.csv (经办系统用户, snapshot).

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

FILE = "users.csv"
STAGED_MODEL = "stg_landing__users"
RAW_COLUMNS = ['user_id', 'name', 'id_number', 'org_county_code', 'account_status', 'created_on', 'disabled_on', 'login_method']
KEY = ['user_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("user_id"),
        not_null("user_id"),
        not_null("name"),
        matches("nid", ID18),
        not_null("org_county_code"),
        in_set("org_county_code", ['340400', '340402', '340403', '340404', '340405', '340406', '340421', '340422']),
        not_null("account_status"),
        in_set("account_status", ['0', '1']),
        matches("created_on", DATE),
        matches("disabled_on", DATE),
        not_null("login_method"),
        in_set("login_method", ['1', '2', '3']),
    ]
