"""Great Expectations suite for cards.csv (社保卡, snapshot).

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

FILE = "cards.csv"
STAGED_MODEL = "stg_landing__cards"
RAW_COLUMNS = ['card_no', 'person_id', 'made_on', 'arrived_on', 'distributed_on', 'status', 'activated_on', 'activation_mode']
KEY = ['card_no']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("card_no"),
        not_null("card_no"),
        not_null("person_id"),
        matches("made_on", DATE),
        matches("arrived_on", DATE),
        matches("distributed_on", DATE),
        not_null("status"),
        in_set("status", ['1', '2', '3', '4']),
        matches("activated_on", DATE),
        in_set("activation_mode", ['1', '2', '3']),
    ]
