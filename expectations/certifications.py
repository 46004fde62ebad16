"""Great Expectations suite for certifications.csv (待遇资格认证, increment).

RAW_COLUMNS is checked on the delivered file (columns and order: a file-level problem);
staged_expectations() on the staged rows of the newest batch (every staged value must
satisfy the contract; rows that do not are data-quality exceptions, never staged).
"""

from expectations._builders import (
    DATE,
    columns_in_order,
    in_set,
    matches,
    not_null,
    unique,
)

FILE = "certifications.csv"
STAGED_MODEL = "stg_landing__certifications"
RAW_COLUMNS = ['cert_id', 'person_id', 'certified_on', 'method', 'result', 'operator_id', 'reviewer_id']
KEY = ['cert_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("cert_id"),
        not_null("cert_id"),
        not_null("person_id"),
        not_null("certified_on"),
        matches("certified_on", DATE),
        not_null("method"),
        in_set("method", ['1', '2', '3', '4', '5']),
        not_null("result"),
        in_set("result", ['0', '1']),
    ]
