"""Great Expectations suite for incarcerations.csv (服刑人员信息, increment).

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

FILE = "incarcerations.csv"
STAGED_MODEL = "stg_landing__incarcerations"
RAW_COLUMNS = ['record_id', 'id_number', 'name', 'sentence_type', 'start_date', 'end_date']
KEY = ['record_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("record_id"),
        not_null("record_id"),
        not_null("id_number"),
        matches("nid", ID18),
        not_null("sentence_type"),
        in_set("sentence_type", ['1', '2', '3', '4']),
        not_null("start_date"),
        matches("start_date", DATE),
        matches("end_date", DATE),
    ]
