"""Great Expectations suite for persons.csv (参保人员, snapshot).

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

FILE = "persons.csv"
STAGED_MODEL = "stg_landing__persons"
RAW_COLUMNS = ['person_id', 'id_number', 'name', 'gender', 'birth_date', 'county_code', 'town_code', 'village_code', 'phone', 'enrolled_on']
KEY = ['person_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("person_id"),
        not_null("person_id"),
        not_null("id_number"),
        matches("nid", ID18),
        not_null("name"),
        not_null("gender"),
        in_set("gender", ['1', '2']),
        not_null("birth_date"),
        matches("birth_date", DATE),
        not_null("county_code"),
        in_set("county_code", ['340400', '340402', '340403', '340404', '340405', '340406', '340421', '340422']),
        not_null("enrolled_on"),
        matches("enrolled_on", DATE),
    ]
