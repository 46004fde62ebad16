"""The official tables in the warehouse: 附件1 (summary_basic) and 附件2 (summary_problems)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.fixtures_reports import AGENCY_CODES, RECOVERED_YUAN, reports_warehouse  # noqa: F401

pytestmark = pytest.mark.slow

BASIC_FIGURES = ["recipients_resident", "recipients_enterprise", "recipients_institution", "recipients_total",
                 "paid_current_month", "paid_since_screen_from", "screened_payout_rows", "system_flags",
                 "flag_persons", "flag_amount", "issued_suspects", "verified_count", "confirmed_count",
                 "recovered_amount", "rectified_count"]
PROBLEM_FIGURES = ["problem_count", "persons_involved", "amount_involved", "verified_count", "confirmed_count",
                   "rectified_count", "rectifying_count", "not_rectified_count", "recovered_amount"]
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def rows(warehouse: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def test_checklist_seed_lists_the_notice_items():
    with (SEEDS / "checklist_items.csv").open(encoding="utf-8") as fh:
        items = list(csv.DictReader(fh))
    assert [i["item_code"] for i in items] == [f"C{n:02d}" for n in range(1, 23)]
    names = {i["item_name"] for i in items}
    for expected in ["未建立行政村（社区）参保人员死亡报告制度", "合作银行协议未明确义务和违约责任", "未按比例开展稽核",
                     "未落实基金要情报告制度", "核定待遇前未比对参保缴费和待遇状态", "账号密码管理不善",
                     "未接入省级持卡人员基础信息库"]:
        assert expected in names
    assert {i["section"] for i in items} == {"二", "三", "五", "七", "八", "九", "十"}


def test_basic_rows_and_total_is_sum_of_agencies(reports_warehouse):  # noqa: F811
    basic = rows(reports_warehouse.warehouse, "select * from marts.summary_basic order by sort_order")
    assert [r["agency_code"] for r in basic] == AGENCY_CODES + ["TOTAL"]
    assert basic[0]["agency_name"] == "淮南市本级" and basic[-1]["agency_name"] == "全市合计"
    total = basic[-1]
    for figure in BASIC_FIGURES:
        assert total[figure] == sum(r[figure] for r in basic[:-1]), figure
    for r in basic:
        for figure in ["paid_current_month", "paid_since_screen_from", "flag_amount", "recovered_amount"]:
            assert isinstance(r[figure], Decimal) and r[figure] == r[figure].quantize(Decimal("0.01"))
        assert r["recipients_total"] <= r["recipients_resident"] + r["recipients_enterprise"] + r["recipients_institution"]


def test_basic_figures_recomputed_from_the_current_data(reports_warehouse):  # noqa: F811
    wh = reports_warehouse.warehouse
    basic = {r["agency_code"]: r for r in rows(wh, "select * from marts.summary_basic")}
    recipients = rows(wh, """
        select p.county_code, b.scheme_code, count(distinct p.person_id) as n
        from intermediate.int_benefits_current b join intermediate.int_persons_current p using (person_id)
        where b.status = '1' group by all""")
    for code in AGENCY_CODES:
        by_scheme = {r["scheme_code"]: r["n"] for r in recipients if r["county_code"] == code}
        assert basic[code]["recipients_resident"] == by_scheme.get("170", 0)
        assert basic[code]["recipients_enterprise"] == by_scheme.get("110", 0)
        assert basic[code]["recipients_institution"] == by_scheme.get("120", 0)
    flags = reports_warehouse.flags
    in_agencies = [f for f in flags if f["county_code"] in AGENCY_CODES]
    assert basic["TOTAL"]["system_flags"] == len(in_agencies)
    for code in AGENCY_CODES:
        mine = [f for f in flags if f["county_code"] == code]
        assert basic[code]["system_flags"] == len(mine)
        yuan = sum((Decimal(f["amount"]) for f in mine if f["amount"]), Decimal(0))
        assert basic[code]["flag_amount"] == (yuan / 10000).quantize(Decimal("0.01"))
    paid = rows(wh, """
        select p.county_code, sum(s.amount) as yuan from intermediate.int_payouts_screened s
        join intermediate.int_persons_current p using (person_id)
        where s.pay_status = '1' and s.pay_month = date '2021-06-01' group by 1""")
    for r in paid:
        if r["county_code"] in AGENCY_CODES:
            assert basic[r["county_code"]]["paid_current_month"] == (r["yuan"] / 10000).quantize(Decimal("0.01"))


def test_verification_figures_follow_the_case_store(reports_warehouse):  # noqa: F811
    wh = reports_warehouse.warehouse
    basic = {r["agency_code"]: r for r in rows(wh, "select * from marts.summary_basic")}
    recorded = reports_warehouse.recorded.values()
    assert len(recorded) == 5
    assert basic["TOTAL"]["verified_count"] == 4  # 3 属实 + 1 不属实 (核查中 is not verified)
    assert basic["TOTAL"]["confirmed_count"] == 3
    assert basic["TOTAL"]["rectified_count"] == 1
    assert basic["TOTAL"]["recovered_amount"] == Decimal("1.23") == (RECOVERED_YUAN / 10000).quantize(Decimal("0.01"))
    first = next(iter(reports_warehouse.recorded.values()))
    assert basic[first["county_code"]]["recovered_amount"] == Decimal("1.23")
    problems = {(r["agency_code"], r["item_code"]): r for r in rows(wh, "select * from marts.summary_problems")}
    assert problems[("TOTAL", first["rule_code"])]["recovered_amount"] == Decimal("1.23")
    assert sum(problems[("TOTAL", f"R{n:02d}")]["confirmed_count"] for n in range(1, 30)) == 3
    assert sum(problems[("TOTAL", f"R{n:02d}")]["not_rectified_count"] for n in range(1, 30)) == 1
    assert sum(problems[("TOTAL", f"R{n:02d}")]["rectifying_count"] for n in range(1, 30)) == 1


def test_problems_rows_sections_and_checklist_answers(reports_warehouse):  # noqa: F811
    wh = reports_warehouse.warehouse
    all_rows = rows(wh, "select * from marts.summary_problems order by agency_sort_order, item_order")
    assert len(all_rows) == 9 * (29 + 22)
    total = [r for r in all_rows if r["agency_code"] == "TOTAL"]
    assert [r["section_order"] for r in total] == sorted(r["section_order"] for r in total)
    assert total[0]["item_code"] == "R01" and total[0]["section"] == "一"
    assert total[-1]["item_code"] == "C22" and total[-1]["section"] == "十"
    by_key = {(r["agency_code"], r["item_code"]): r for r in all_rows}
    for figure in PROBLEM_FIGURES:
        for item in {r["item_code"] for r in total}:
            agency_values = [by_key[(a, item)][figure] for a in AGENCY_CODES]
            expected = None if all(v is None for v in agency_values) else sum(v for v in agency_values if v is not None)
            assert by_key[("TOTAL", item)][figure] == expected, (item, figure)
    c06 = by_key[("340402", "C06")]
    assert (c06["problem_count"], c06["verified_count"], c06["not_rectified_count"], c06["rectified_count"]) == (1, 1, 1, 0)
    assert by_key[("340403", "C16")]["rectified_count"] == 1
    assert by_key[("340421", "C16")]["rectifying_count"] == 1
    assert by_key[("TOTAL", "C16")]["problem_count"] == 2
    c19 = by_key[("340400", "C19")]
    assert (c19["problem_count"], c19["verified_count"]) == (0, 1)
    assert by_key[("340404", "C06")]["problem_count"] == 0
    assert by_key[("TOTAL", "R13")]["amount_involved"] is None  # a rule without an amount
    assert by_key[("TOTAL", "C06")]["persons_involved"] is None
    basic = {r["agency_code"]: r for r in rows(wh, "select * from marts.summary_basic")}
    for code in AGENCY_CODES + ["TOTAL"]:
        assert basic[code]["system_flags"] == sum(
            by_key[(code, f"R{n:02d}")]["problem_count"] for n in range(1, 30))


def test_example_figures(example_warehouse):
    """Hand-checked figures of the contract's example (2 batches, as_of 2021-06-30)."""
    basic = {r["agency_code"]: r for r in rows(example_warehouse, "select * from marts.summary_basic")}
    total = basic["TOTAL"]
    assert (total["recipients_resident"], total["recipients_enterprise"], total["recipients_institution"],
            total["recipients_total"]) == (19, 11, 3, 33)
    assert total["paid_current_month"] == Decimal("6.49")
    assert total["paid_since_screen_from"] == Decimal("208.13")
    assert total["screened_payout_rows"] == 1104
    assert total["system_flags"] == 56
    assert total["flag_amount"] == Decimal("15.65")
    assert total["issued_suspects"] == 5
    assert basic["340405"]["recipients_total"] == 0  # 八公山区 has no recipients in the example
    assert basic["340402"]["flag_amount"] == Decimal("6.97")
