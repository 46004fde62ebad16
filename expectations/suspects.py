"""Great Expectations suite for suspects.xlsx (部省下发疑点数据, increment).

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

FILE = "suspects.xlsx"
STAGED_MODEL = "stg_landing__suspects"
RAW_COLUMNS = ['suspect_id', 'issuer', 'issued_on', 'suspect_type', 'id_number', 'name', 'county_code', 'description']
KEY = ['suspect_id']


def raw_expectations():
    return [columns_in_order(RAW_COLUMNS)]


def staged_expectations():
    return [
        unique("suspect_id"),
        not_null("suspect_id"),
        not_null("issuer"),
        in_set("issuer", ['人社部', '省人社厅']),
        not_null("issued_on"),
        matches("issued_on", DATE),
        not_null("suspect_type"),
        in_set("suspect_type", ['死亡冒领', '服刑人员领取', '重复领取', '其他']),
        matches("nid", ID18),
        not_null("county_code"),
        in_set("county_code", ['340400', '340402', '340403', '340404', '340405', '340406', '340421', '340422']),
    ]
