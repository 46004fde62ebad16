"""The case store (风险台账的人工记录): records, history, checklist, snapshot, concurrency."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pension_risk.cases.store import (
    CASE_RECORD_COLUMNS,
    CHECKLIST_ANSWER_COLUMNS,
    CaseStore,
    CaseStoreError,
    ConflictError,
    default_store_path,
    load_into_warehouse,
    snapshot_for_warehouse,
)

AT = dt.datetime(2021, 7, 5, 9, 30, 0)
DESIGN_CASE_COLUMNS = [
    "case_id", "case_type", "flag_id", "suspect_id", "conclusion", "problem_note", "recovered_amount",
    "rectification_status", "rectification_measures", "verified_by", "verified_on", "updated_at",
]
DESIGN_CHECKLIST_COLUMNS = [
    "agency_code", "item_code", "answer", "note", "rectification_status", "updated_by", "updated_at",
]


@pytest.fixture
def store(tmp_path: Path) -> CaseStore:
    return CaseStore(tmp_path / "w.duckdb.cases.sqlite")


def test_default_store_path_is_beside_the_warehouse():
    assert default_store_path(Path("/x/w.duckdb")) == Path("/x/w.duckdb.cases.sqlite")


def test_store_uses_wal(store: CaseStore):
    store.initialize()
    import sqlite3

    con = sqlite3.connect(store.path)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    con.close()


def test_record_creates_case_with_history_and_defaults(store: CaseStore):
    result = store.record_conclusion(
        "f1", {"conclusion": "属实", "recovered_amount": "1200.5", "problem_note": "死亡后冒领"}, "李核查", AT,
        identity={"rule_code": "R01", "subject_id": "P0000034", "person_id": "P0000034", "county_code": "340406"},
    )
    assert result.created and result.version == 1
    case = store.get_case("f1")
    assert case["case_type"] == "flag" and case["flag_id"] == "f1" and case["suspect_id"] is None
    assert case["conclusion"] == "属实"
    assert case["recovered_amount"] == "1200.50"
    assert case["verified_by"] == "李核查"          # defaults to the recorder
    assert case["verified_on"] == "2021-07-05"      # defaults to the day recorded
    assert (case["rule_code"], case["subject_id"], case["county_code"]) == ("R01", "P0000034", "340406")
    history = store.history("f1")
    assert {(h["field"], h["old_value"], h["new_value"]) for h in history} == {
        ("conclusion", None, "属实"), ("recovered_amount", None, "1200.50"), ("problem_note", None, "死亡后冒领"),
        ("verified_by", None, "李核查"), ("verified_on", None, "2021-07-05"),
        ("review_status", "未核查", "待复核"),  # a recorded conclusion waits for 复核
    }
    assert case["review_status"] == "待复核"
    assert {h["changed_by"] for h in history} == {"李核查"}
    assert {h["changed_at"] for h in history} == {"2021-07-05 09:30:00"}


def test_recording_the_same_values_changes_nothing(store: CaseStore):
    store.record_conclusion("f1", {"conclusion": "核查中"}, "a", AT)
    before = store.history_count()
    again = store.record_conclusion("f1", {"conclusion": "核查中", "verified_by": "a"}, "b", AT + dt.timedelta(1))
    assert not again.changed and again.version == 1
    assert store.history_count() == before
    assert store.get_case("f1")["updated_by"] == "a"


def test_change_keeps_old_and_new_value(store: CaseStore):
    store.record_conclusion("f1", {"conclusion": "核查中"}, "a", AT)
    store.record_conclusion("f1", {"conclusion": "不属实"}, "b", AT + dt.timedelta(days=2))
    case = store.get_case("f1")
    assert case["version"] == 2 and case["conclusion"] == "不属实"
    assert case["verified_by"] == "b" and case["verified_on"] == "2021-07-07"
    conclusion_changes = [(h["old_value"], h["new_value"], h["changed_by"], h["version"])
                          for h in store.history("f1") if h["field"] == "conclusion"]
    assert conclusion_changes == [(None, "核查中", "a", 1), ("核查中", "不属实", "b", 2)]


def test_suspect_case_ids(store: CaseStore):
    store.record_conclusion("SUS-YD202101200003", {"conclusion": "属实"}, "a", AT)
    case = store.get_case("SUS-YD202101200003")
    assert (case["case_type"], case["suspect_id"], case["flag_id"], case["subject_id"]) == (
        "suspect", "YD202101200003", None, "YD202101200003")


@pytest.mark.parametrize("fields, message", [
    ({"conclusion": "是"}, "核查结论"),
    ({"rectification_status": "完成"}, "整改状态"),
    ({"recovered_amount": "-1"}, "追回金额"),
    ({"recovered_amount": "abc"}, "追回金额"),
    ({"recovered_amount": "1.234"}, "追回金额"),
    ({"verified_on": "2021-13-01"}, "核查日期"),
    ({"colour": "red"}, "unknown case fields"),
])
def test_bad_values_are_refused(store: CaseStore, fields, message):
    with pytest.raises(CaseStoreError, match=message):
        store.record_conclusion("f1", fields, "a", AT)
    assert store.get_case("f1") is None


def test_identity_is_kept_and_filled_in_once(store: CaseStore):
    store.record_conclusion("f1", {"problem_note": "x"}, "a", AT)
    assert store.get_case("f1")["rule_code"] is None
    store.record_conclusion("f1", {"problem_note": "x"}, "a", AT, identity={"rule_code": "R07"})
    store.record_conclusion("f1", {"problem_note": "x"}, "a", AT, identity={"rule_code": "R99"})
    assert store.get_case("f1")["rule_code"] == "R07"
    assert store.history_count() == 2  # problem_note, and review_status 未核查 -> 待复核


def test_optimistic_version_check(store: CaseStore):
    store.record_conclusion("f1", {"conclusion": "核查中"}, "a", AT)
    store.record_conclusion("f1", {"problem_note": "n"}, "b", AT, expected_version=1)
    with pytest.raises(ConflictError, match="version 2"):
        store.record_conclusion("f1", {"conclusion": "属实"}, "a", AT, expected_version=1)
    assert store.get_case("f1")["conclusion"] == "核查中"


def test_checklist_answers(store: CaseStore):
    items = {"C01", "C02"}
    agencies = {"340400", "340403"}
    r = store.record_checklist_answer("340403", "C01", {"answer": "存在", "note": "手工比对", "rectification_status": "整改中"},
                                      "王", AT, valid_items=items, valid_agencies=agencies)
    assert r.created and r.version == 1
    assert not store.record_checklist_answer("340403", "C01", {"answer": "存在"}, "王", AT, valid_items=items).changed
    store.record_checklist_answer("340403", "C01", {"rectification_status": "已整改"}, "赵", AT + dt.timedelta(1))
    with pytest.raises(CaseStoreError, match="unknown checklist item"):
        store.record_checklist_answer("340403", "C99", {"answer": "存在"}, "王", AT, valid_items=items)
    with pytest.raises(CaseStoreError, match="unknown agency"):
        store.record_checklist_answer("349999", "C01", {"answer": "存在"}, "王", AT, valid_agencies=agencies)
    with pytest.raises(CaseStoreError, match="存在 or 不存在"):
        store.record_checklist_answer("340403", "C02", {"answer": "有"}, "王", AT)
    (answer,) = store.checklist_answers()
    assert (answer["answer"], answer["note"], answer["rectification_status"], answer["updated_by"]) == (
        "存在", "手工比对", "已整改", "赵")
    assert [(h["field"], h["new_value"]) for h in store.checklist_history()] == [
        ("answer", "存在"), ("note", "手工比对"), ("rectification_status", "整改中"), ("rectification_status", "已整改")]


def test_snapshot_columns_match_design(store: CaseStore):
    assert CASE_RECORD_COLUMNS == DESIGN_CASE_COLUMNS
    assert CHECKLIST_ANSWER_COLUMNS == DESIGN_CHECKLIST_COLUMNS
    empty_cases, empty_answers = snapshot_for_warehouse(store.path)   # store does not exist yet
    assert list(empty_cases.columns)[:12] == DESIGN_CASE_COLUMNS
    assert list(empty_cases.columns)[12:] == ["rule_code", "subject_id", "person_id", "county_code",
                                              "review_status", "reviewed_by", "reviewed_at", "review_note"]
    assert list(empty_answers.columns) == DESIGN_CHECKLIST_COLUMNS
    assert len(empty_cases) == 0 and len(empty_answers) == 0
    assert not store.path.exists()   # reading never creates the store

    store.record_conclusion("f1", {"conclusion": "属实", "recovered_amount": "10"}, "a", AT,
                            identity={"rule_code": "R01", "subject_id": "P1", "county_code": "340402"})
    store.record_conclusion("SUS-S1", {"conclusion": "核查中"}, "b", AT)
    store.record_checklist_answer("340402", "C01", {"answer": "不存在"}, "c", AT)
    cases, answers = snapshot_for_warehouse(store.path)
    f1 = cases.set_index("case_id").loc["f1"]
    assert f1["recovered_amount"] == Decimal("10.00")
    assert f1["verified_on"] == dt.date(2021, 7, 5)
    assert f1["rule_code"] == "R01" and f1["county_code"] == "340402"
    assert cases.set_index("case_id").loc["SUS-S1"]["suspect_id"] == "S1"
    assert answers.iloc[0]["answer"] == "不存在"

    con = duckdb.connect()
    assert load_into_warehouse(con, store.path) == (2, 1)
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_name = 'case_records'").fetchall())
    assert types["recovered_amount"] == "DECIMAL(18,2)" and types["verified_on"] == "DATE"
    assert con.execute("select recovered_amount, verified_on from raw.case_records where case_id = 'f1'"
                       ).fetchone() == (Decimal("10.00"), dt.date(2021, 7, 5))


# ---------------------------------------------------------------- two real processes

def _writer(path: str, who: str, field: str, n: int, counter_case: str) -> None:
    store = CaseStore(Path(path))
    for i in range(n):
        # a field only this process writes, on a case both processes write
        store.record_conclusion("shared", {field: f"{who}-{i}"}, who)
        # a read-modify-write on the same value: the optimistic check makes it safe
        while True:
            case = store.get_case(counter_case)
            version = 0 if case is None else case["version"]
            current = Decimal(case["recovered_amount"]) if case and case["recovered_amount"] else Decimal(0)
            try:
                store.record_conclusion(counter_case, {"recovered_amount": current + 1}, who,
                                        expected_version=version)
                break
            except ConflictError:
                continue


@pytest.mark.slow
def test_two_processes_recording_at_the_same_time_lose_no_update(store: CaseStore):
    store.initialize()
    n = 60
    # two real OS processes (subprocess, not multiprocessing: after Streamlit's AppTest the
    # parent's __main__ is a page script, which multiprocessing's spawn would re-run)
    repo = Path(__file__).resolve().parents[1]
    code = "import sys; from tests.test_cases_store import _writer; _writer(sys.argv[1], sys.argv[2], sys.argv[3], {n}, 'counter')"
    procs = [
        subprocess.Popen([sys.executable, "-c", code.format(n=n), str(store.path), who, field], cwd=repo)
        for who, field in (("甲", "problem_note"), ("乙", "rectification_measures"))
    ]
    for p in procs:
        assert p.wait(120) == 0
    shared = store.get_case("shared")
    assert shared["problem_note"] == f"甲-{n - 1}"
    assert shared["rectification_measures"] == f"乙-{n - 1}"
    assert shared["version"] == 2 * n
    counter = store.get_case("counter")
    assert counter["recovered_amount"] == f"{2 * n}.00"   # every increment of both processes
    assert counter["version"] == 2 * n
    history = store.history()
    # one row per change, plus the first change's review state 未核查 -> 待复核
    assert len([h for h in history if h["case_id"] == "shared"]) == 2 * n + 1
    assert len([h for h in history if h["case_id"] == "counter"]) == 2 * n + 1
    assert {h["changed_by"] for h in history} == {"甲", "乙"}
