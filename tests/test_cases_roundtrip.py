"""`cases export` -> a county fills in the xlsx -> `cases import`: round trip, bad rows, re-import.

Runs against a small hand-made warehouse (marts.case_ledger, reference.agencies)
so it is fast; the end-to-end version on a real build is in test_cases_rebuild.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pension_risk.cases import cli as cases_cli
from pension_risk.cases.store import CaseStore, default_store_path
from pension_risk.cli import main
from pension_risk.errors import PensionRiskError
from tests.access_helpers import add_accounts, password

VERIFIER = "verifier_340403"

LEDGER = [
    # case_id, case_type, flag_id, rule_code, subject_id, suspect_id, person_id, county_code, amount
    ("f-r01-a", "flag", "f-r01-a", "R01", "P0000034", None, "P0000034", "340406", "35006.82"),
    ("f-r01-b", "flag", "f-r01-b", "R01", "P0000021", None, "P0000021", "340403", "11981.92"),
    ("f-r07-a", "flag", "f-r07-a", "R07", "6217000000001", None, None, "340403", "0.00"),
    ("SUS-YD1", "suspect", None, None, "YD1", "YD1", "P0000021", "340403", None),
]


def make_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create schema reference")
    con.execute(
        "create table marts.case_ledger (case_id varchar, case_type varchar, flag_id varchar, rule_code varchar, "
        "subject_id varchar, suspect_id varchar, person_id varchar, county_code varchar, amount decimal(18,2), "
        "detected boolean, conclusion varchar, problem_note varchar, recovered_amount decimal(18,2), "
        "rectification_status varchar, rectification_measures varchar, verified_by varchar, verified_on date, "
        "updated_at timestamp, matched_flag_ids varchar, overdue boolean, rule_name varchar, section varchar, "
        "issued_on date)"
    )
    for row in LEDGER:
        con.execute(
            "insert into marts.case_ledger (case_id, case_type, flag_id, rule_code, subject_id, suspect_id, "
            "person_id, county_code, amount, detected, overdue, matched_flag_ids, issued_on) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, true, ?, ?, ?)",
            [*row, row[1] == "suspect", "f-r01-b" if row[1] == "suspect" else None,
             dt.date(2021, 4, 8) if row[1] == "suspect" else None],
        )
    con.execute("create table reference.agencies as select * from (values ('340400', '淮南市本级', 1), "
                "('340403', '田家庵区', 3), ('340406', '潘集区', 6)) t(agency_code, agency_name, sort_order)")
    con.close()
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = make_warehouse(tmp_path / "w.duckdb")
    add_accounts(default_store_path(path), [VERIFIER, "verifier_340402", "reviewer", "leader"])
    return path


def _stdin(monkeypatch, login: str = VERIFIER) -> None:
    """`cases import` reads the password from the first line of standard input."""
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(password(login) + "\n"))


def _import(xlsx: Path, warehouse: Path, login: str = VERIFIER, store: Path | None = None) -> int:
    return cases_cli.import_command(xlsx, warehouse, login, store, password=password(login))


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    wb = load_workbook(path)
    ws = wb["风险台账"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r, strict=True)) for r in rows[1:]]


def _fill(path: Path, out: Path, edits: dict[int, dict[str, object]]) -> Path:
    """Write `edits` {sheet row: {header: value}} into a copy of the exported workbook."""
    wb = load_workbook(path)
    ws = wb["风险台账"]
    header = [c.value for c in ws[1]]
    for row, values in edits.items():
        for name, value in values.items():
            ws.cell(row=row, column=header.index(name) + 1, value=value)
    wb.save(out)
    return out


def _row_of(path: Path, case_id: str) -> int:
    _header, rows = _rows(path)
    return [r["案件编号"] for r in rows].index(case_id) + 2


def test_export_lists_every_case_with_drop_downs(warehouse: Path, tmp_path: Path):
    out = tmp_path / "all.xlsx"
    assert cases_cli.export_command(warehouse, out, None, None) == 0
    header, rows = _rows(out)
    assert header[0] == "案件编号"
    assert {"核查结论", "问题说明", "追回金额(元)", "整改状态", "整改措施", "核查人", "核查日期"} <= set(header)
    assert sorted(r["案件编号"] for r in rows) == sorted(r[0] for r in LEDGER)
    suspect = next(r for r in rows if r["案件编号"] == "SUS-YD1")
    assert suspect["类型"] == "部省下发疑点" and suspect["关联系统疑点"] == "f-r01-b" and suspect["逾期未核查"] == "是"

    ws = load_workbook(out)["风险台账"]
    col = {c.value: c.column_letter for c in ws[1]}
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert lists[f"{col['核查结论']}2"] == '"属实,不属实,核查中"'
    assert lists[f"{col['整改状态']}2"] == '"未整改,整改中,已整改"'


def test_export_one_agency(warehouse: Path, tmp_path: Path):
    out = tmp_path / "340403.xlsx"
    assert cases_cli.export_command(warehouse, out, "340403", None) == 0
    _header, rows = _rows(out)
    assert sorted(r["案件编号"] for r in rows) == ["SUS-YD1", "f-r01-b", "f-r07-a"]
    with pytest.raises(PensionRiskError, match="unknown agency code"):
        cases_cli.export_command(warehouse, tmp_path / "x.xlsx", "349999", None)


def test_round_trip_with_bad_rows_and_reimport(warehouse: Path, tmp_path: Path, capsys, monkeypatch):
    exported = tmp_path / "340403.xlsx"
    cases_cli.export_command(warehouse, exported, "340403", None)
    r_b, r_r07, r_sus = (_row_of(exported, c) for c in ("f-r01-b", "f-r07-a", "SUS-YD1"))
    filled = _fill(exported, tmp_path / "filled.xlsx", {
        r_b: {"核查结论": "属实", "问题说明": "死亡后冒领3个月", "追回金额(元)": 11981.92,
              "整改状态": "已整改", "整改措施": "已追回并停发", "核查人": "田家庵区-张", "核查日期": dt.date(2021, 7, 8)},
        r_r07: {"核查结论": "可能", "整改状态": "整改中"},                 # bad conclusion
        r_sus: {"核查结论": "不属实", "追回金额(元)": -5},                  # bad amount
        20: {"案件编号": "no-such-case", "核查结论": "属实"},               # unknown case
        21: {"案件编号": "f-r01-b", "核查结论": "不属实"},                  # repeated case
    })
    _stdin(monkeypatch)
    code = main(["cases", "import", str(filled), "--warehouse", str(warehouse), "--by", VERIFIER])
    assert code == 3
    err = capsys.readouterr().err
    assert f"row {r_r07}: rejected: 核查结论 must be one of 属实/不属实/核查中: '可能'" in err
    assert f"row {r_sus}: rejected: 追回金额 must be a non-negative amount" in err
    assert "row 20: rejected: 案件编号 no-such-case 不在台账中" in err
    assert f"row 21: rejected: 案件编号 f-r01-b 重复（与第{r_b}行重复）" in err
    assert "4 rejected" in err

    store = CaseStore(default_store_path(warehouse))
    case = store.get_case("f-r01-b")
    assert case["conclusion"] == "属实"
    assert case["recovered_amount"] == "11981.92"
    assert case["rectification_status"] == "已整改"
    assert case["verified_by"] == "田家庵区-张" and case["verified_on"] == "2021-07-08"
    assert case["rule_code"] == "R01" and case["county_code"] == "340403"    # identity stored on creation
    assert store.get_case("f-r07-a") is None and store.get_case("SUS-YD1") is None  # rejected rows: nothing
    assert case["review_status"] == "待复核"                                  # 初审 done, waits for 复核
    history = store.history()
    assert len(history) == 8  # 7 fields + the review state 未核查 -> 待复核
    assert {h["changed_by"] for h in history} == {VERIFIER}
    assert {h["source"].split(" ")[0] for h in history} == {"import:filled.xlsx"}

    # re-importing the same file changes nothing
    _stdin(monkeypatch)
    assert main(["cases", "import", str(filled), "--warehouse", str(warehouse), "--by", VERIFIER]) == 3
    assert store.history_count() == 8
    assert store.get_case("f-r01-b")["version"] == 1

    # the next export carries the recorded values; importing it unchanged changes nothing
    again = tmp_path / "again.xlsx"
    cases_cli.export_command(warehouse, again, "340403", None)
    row = next(r for r in _rows(again)[1] if r["案件编号"] == "f-r01-b")
    assert (row["核查结论"], row["追回金额(元)"], row["整改状态"]) == ("属实", 11981.92, "已整改")
    assert _import(again, warehouse) == 0
    assert store.history_count() == 8

    # fix the bad rows and import: accepted, the earlier record untouched
    fixed = _fill(again, tmp_path / "fixed.xlsx", {
        _row_of(again, "f-r07-a"): {"核查结论": "核查中", "整改状态": "整改中"},
        _row_of(again, "SUS-YD1"): {"核查结论": "不属实", "核查日期": "2021/07/09"},
    })
    assert _import(fixed, warehouse) == 0
    assert store.get_case("SUS-YD1")["conclusion"] == "不属实"
    assert store.get_case("SUS-YD1")["verified_on"] == "2021-07-09"
    assert store.get_case("SUS-YD1")["verified_by"] == VERIFIER  # 核查人 defaults to the login
    assert store.get_case("f-r07-a")["rectification_status"] == "整改中"
    assert store.get_case("f-r01-b")["version"] == 1


def test_import_with_explicit_store(warehouse: Path, tmp_path: Path):
    exported = tmp_path / "all.xlsx"
    elsewhere = tmp_path / "elsewhere" / "cases.sqlite"
    add_accounts(elsewhere, ["verifier_340402"])
    cases_cli.export_command(warehouse, exported, None, elsewhere)
    filled = _fill(exported, tmp_path / "f.xlsx", {_row_of(exported, "f-r01-a"): {"核查结论": "核查中"}})
    # f-r01-a is a 340406 case: a 340402 verifier may not record it
    assert _import(filled, warehouse, "verifier_340402", elsewhere) == 3
    assert CaseStore(elsewhere).get_case("f-r01-a") is None
    assert CaseStore(default_store_path(warehouse)).get_case("f-r01-a") is None


def test_bad_file_and_bad_warehouse(warehouse: Path, tmp_path: Path, capsys, monkeypatch):
    not_xlsx = tmp_path / "x.xlsx"
    not_xlsx.write_text("hello")
    with pytest.raises(PensionRiskError, match="not a readable xlsx"):
        _import(not_xlsx, warehouse)
    _stdin(monkeypatch)
    assert main(["cases", "import", str(not_xlsx), "--warehouse", str(warehouse), "--by", VERIFIER]) == 1
    assert "pension-risk cases: error:" in capsys.readouterr().err
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["foo", "bar"])
    other = tmp_path / "other.xlsx"
    wb.save(other)
    with pytest.raises(PensionRiskError, match="no 案件编号 column"):
        _import(other, warehouse)
    with pytest.raises(PensionRiskError, match="warehouse not found"):
        cases_cli.export_command(tmp_path / "missing.duckdb", tmp_path / "o.xlsx", None, None)
