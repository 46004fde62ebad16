"""marts.data_quality_exceptions.reason_zh: every kind of row-level problem has its Chinese reason.

The contract's example landing with one bad row of each kind planted in its last batch
(payouts.csv and user_roles.csv): the technical `reason` stays, and `reason_zh` says the
same in Chinese with the Chinese column names.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.landing_helpers import EXAMPLE, copy_landing, write_manifest

pytestmark = pytest.mark.slow

GOOD = ("PO2021069{n:08d},B0000002,P0000002,2021-06,2021-06,2021-06,1,100.00,6216615296270000002,ZG,1,"
        "PB20210634042103,1,U34042105,U34042104,2021-06-10")

# payout row (key, how to spoil a good row) -> (reason, reason_zh)
PAYOUT_CASES = {
    "PO202106900000001": (lambda r: r.replace(",2021-06-10", ",2021-06-31"),
                          "paid_on: cannot read 2021-06-31", "支付日期无法识别：2021-06-31"),
    "PO202106900000002": (lambda r: r.replace(",ZG,", ",XX,"),
                          "bank_code: code outside its code set: XX", "开户银行不在代码表内：XX"),
    "PO202106900000003": (lambda r: r.replace(",100.00,", ",-100.00,"),
                          "amount: negative outside 调整补差: -100.00", "发放金额为负数，但发放类型不是调整补差：-100.00"),
    "PO202106900000004": (lambda r: r.replace("2021-06,2021-06,2021-06", "2021-06,2021-05,2021-06"),
                          "period_from after period_to: 2021-06 > 2021-05", "所属期起晚于所属期止：2021-06 > 2021-05"),
    "PO202106900000005": (lambda r: r.replace(",U34042105,", ",,"),
                          "created_by: missing", "经办人为空（必填项）"),
    "PO202106900000006": (lambda r: r.replace(",P0000002,", ",P7777777,"),
                          "person_id unknown person: P7777777", "人员编号指向不存在的参保人员：P7777777"),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    from pension_risk.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("reasons")
    landing = copy_landing(EXAMPLE, root / "landing")
    last = sorted(p for p in landing.iterdir() if p.is_dir())[-1]
    payouts = last / "payouts.csv"
    lines = payouts.read_text(encoding="utf-8").splitlines()
    extra = []
    for n, (key, (spoil, _r, _z)) in enumerate(PAYOUT_CASES.items(), start=1):
        extra.append(spoil(GOOD.format(n=n)).replace(GOOD.format(n=n)[:17], key))
    extra.append(GOOD.format(n=7).replace(GOOD.format(n=7)[:17], "PO202106900000007"))
    extra.append(GOOD.format(n=8).replace(GOOD.format(n=8)[:17], "PO202106900000007"))  # repeated key
    extra.append(GOOD.format(n=9).replace(GOOD.format(n=9)[:17], "PO202106900000009") + ",surplus")  # malformed
    payouts.write_text("\n".join(lines + extra) + "\n", encoding="utf-8")
    roles = last / "user_roles.csv"
    role_lines = roles.read_text(encoding="utf-8").splitlines()
    roles.write_text("\n".join(role_lines + [role_lines[1]]) + "\n", encoding="utf-8")  # repeated 3-column key
    write_manifest(last)
    warehouse = root / "w.duckdb"
    run_pipeline(landing, warehouse, quiet=True)
    return warehouse


def _exceptions(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select file, key, reason, reason_zh, staged from marts.data_quality_exceptions "
                           "order by file, row_number").fetchall()
    finally:
        con.close()


def test_each_planted_problem_has_its_chinese_reason(warehouse):
    rows = _exceptions(warehouse)
    by_key = {(f, k): (r, z) for f, k, r, z, _s in rows}
    for key, (_spoil, reason, reason_zh) in PAYOUT_CASES.items():
        assert by_key[("payouts.csv", key)] == (reason, reason_zh), key
    assert by_key[("payouts.csv", "PO202106900000007")] == (
        "repeated key within the file (payout_id)", "文件内主键重复（发放流水号），保留第一行")
    malformed = [z for f, k, r, z, _s in rows if f == "payouts.csv" and r.startswith("malformed CSV line")]
    assert malformed == ["该行无法按约定的列拆分（列数或引号不符），整行未读入"]
    composite = [z for f, _k, r, z, _s in rows if f == "user_roles.csv" and r.startswith("repeated key")]
    assert composite == ["文件内主键重复（用户编号+岗位权限+授权日期），保留第一行"]


def test_no_reason_is_left_untranslated(warehouse):
    rows = _exceptions(warehouse)
    assert len(rows) >= 9
    untranslated = [r for r in rows if not r[3] or r[3].startswith("其他问题") or not "\u4e00" <= r[3][0] <= "\u9fff"]
    assert not untranslated
