"""Great Expectations suite for user_roles.csv (用户权限, snapshot).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    DATE,
    columns_in_order,
    compound_unique,
    in_set,
    matches,
    not_null,
)

FILE = "user_roles.csv"
STAGED_MODEL = "stg_landing__user_roles"
RAW_COLUMNS = ['user_id', 'role_code', 'granted_on', 'revoked_on']
KEY = ['user_id', 'role_code', 'granted_on']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        compound_unique(KEY),
        not_null("user_id"),
        not_null("role_code"),
        in_set("role_code", ['BEN_ENTRY', 'BEN_REVIEW', 'PAY', 'CERT', 'SYS_ADMIN', 'SEC_ADMIN', 'AUDIT_ADMIN', 'FIN_ACCOUNTANT', 'FIN_CASHIER', 'INSPECT']),
        not_null("granted_on"),
        matches("granted_on", DATE),
        matches("revoked_on", DATE),
    ]
