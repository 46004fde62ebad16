"""Great Expectations suite for deaths.csv (死亡信息, increment).

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

FILE = "deaths.csv"
STAGED_MODEL = "stg_landing__deaths"
RAW_COLUMNS = ['death_id', 'id_number', 'name', 'death_date', 'source', 'received_on']
KEY = ['death_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("death_id"),
        not_null("death_id"),
        not_null("id_number"),
        matches("nid", ID18),
        not_null("death_date"),
        matches("death_date", DATE),
        not_null("source"),
        in_set("source", ['1', '2', '3', '4']),
        not_null("received_on"),
        matches("received_on", DATE),
    ]
