"""Case records survive rebuilds: recorded on a real build of the example landing,
rebuilt four times (a new batch in between makes one flag stop firing), every
record stays intact and attached, the stopped flag's case is kept (detected
false), and the 附件1/附件2 verification columns move with the conclusions only
once a reviewer other than the verifier has passed them (初审 -> 复核), by exactly
the reviewed figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pension_risk.access import accounts
from pension_risk.access.roles import AccessDenied
from pension_risk.cases import cli as cases_cli
from pension_risk.cases import service
from pension_risk.cases.store import CaseStore, CaseStoreError, default_store_path

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "contract" / "example"
if not EXAMPLE.is_dir():  # pragma: no cover - layout of the shared checkout
    EXAMPLE = Path("/work/shared/contract/example")

# flag_id = md5(rule_code || '|' || subject_id)
R01_P21 = hashlib.md5(b"R01|P0000021").hexdigest()          # 田家庵区 340403, 11981.92 yuan
R20_D36 = hashlib.md5(b"R20|D30000036").hexdigest()         # 凤台县 340421, card not handed out
R29_YD0002 = hashlib.md5(b"R29|YD202104080002").hexdigest()  # overdue issued suspect, 340403
SUS_0002 = "SUS-YD202104080002"                              # same person as R01_P21
AT = dt.datetime(2021, 7, 8, 10, 0, 0)
#: login -> (name, role, agency); passwords are "<login>-password"
PEOPLE = {
    "zhang.tjq": ("张核查", "verifier", "340403"),
    "li.fts": ("李核查", "verifier", "340421"),
    "chen.city": ("陈复核", "reviewer", None),
}


def _people(store: Path) -> dict:
    for login, (name, role, agency) in PEOPLE.items():
        accounts.add_account(store, login, name, role, agency, f"{login}-password", by="test", source="test")
    return {login: accounts.principal(store, login) for login in PEOPLE}


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot decode {path}")


def _data_rows(path: Path) -> int:
    if path.suffix == ".xlsx":
        ws = load_workbook(path, read_only=True).worksheets[0]
        return sum(1 for row in ws.iter_rows(min_row=2, values_only=True)
                   if any(v not in (None, "") for v in row))
    return sum(1 for _ in csv.reader(io.StringIO(_read_text(path)))) - 1


def add_batch(landing: Path, source: str, batch_id: str, edits: dict[str, callable],
              empty: tuple[str, ...] = ()) -> Path:
    """Copy batch `source` to a new batch `batch_id` (as_of = its date), apply
    `edits` {csv name: function(list of row dicts) -> list of row dicts}, keep only
    the header of the `empty` csv files, and write a correct manifest.json."""
    src, dst = landing / source, landing / batch_id
    shutil.copytree(src, dst)
    for name in {*edits, *empty}:
        path = dst / name
        reader = csv.DictReader(io.StringIO(_read_text(path)))
        header = reader.fieldnames
        rows = [] if name in empty else edits[name](list(reader))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    manifest["batch_id"] = batch_id
    manifest["as_of"] = f"{batch_id[:4]}-{batch_id[4:6]}-{batch_id[6:]}"
    for entry in manifest["files"]:
        path = dst / entry["name"]
        entry["rows"] = _data_rows(path)
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (dst / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return dst


def _build(landing: Path, warehouse: Path) -> None:
    from pension_risk.pipeline import run_pipeline

    result = run_pipeline(landing=landing, warehouse=warehouse, quiet=True)
    assert not result.rejected, result.batches


def _ledger(warehouse: Path) -> dict[str, dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute("select * from marts.case_ledger")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
    return {r["case_id"]: r for r in rows}


def _figures(warehouse: Path) -> tuple[dict, dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        basic = {r[0]: r[1:] for r in con.execute(
            "select agency_code, verified_count, confirmed_count, recovered_amount, rectified_count "
            "from marts.summary_basic").fetchall()}
        problems = {(r[0], r[1]): r[2:] for r in con.execute(
            "select agency_code, item_code, problem_count, verified_count, confirmed_count, rectified_count, "
            "rectifying_count, not_rectified_count, recovered_amount from marts.summary_problems").fetchall()}
    finally:
        con.close()
    return basic, problems


def _drop_card_from_r20(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row["card_no"] == "D30000036":
            row["distributed_on"] = "2021-07-10"
    return rows


@pytest.mark.slow
def test_records_survive_rebuilds_and_move_the_official_tables(tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(EXAMPLE, landing)
    warehouse = tmp_path / "pub" / "w.duckdb"
    warehouse.parent.mkdir()
    store = CaseStore(default_store_path(warehouse))

    # -- build 1: nothing recorded yet
    _build(landing, warehouse)
    ledger = _ledger(warehouse)
    assert ledger[R01_P21]["detected"] is True and ledger[R01_P21]["conclusion"] is None
    assert ledger[R20_D36]["rule_code"] == "R20" and ledger[R20_D36]["county_code"] == "340421"
    assert ledger[SUS_0002]["case_type"] == "suspect" and ledger[SUS_0002]["overdue"] is True
    assert ledger[SUS_0002]["person_id"] == "P0000021"
    assert R01_P21 in ledger[SUS_0002]["matched_flag_ids"].split(",")   # the verifier sees both
    assert R29_YD0002 in ledger
    basic, problems = _figures(warehouse)
    assert basic["340403"] == (0, 0, Decimal("0.00"), 0)
    assert problems[("340403", "R29")][0] == 1
    assert not store.exists()

    # -- 初审: verifiers record, directly (dashboard path) and by xlsx (county path), and a checklist answer
    who = _people(default_store_path(warehouse))
    zhang, li, chen = who["zhang.tjq"], who["li.fts"], who["chen.city"]
    service.record_case(zhang, R01_P21, {"conclusion": "属实", "problem_note": "死亡后冒领",
                                         "recovered_amount": "11981.92", "rectification_status": "已整改",
                                         "rectification_measures": "已全额追回"}, warehouse=warehouse, at=AT)
    service.record_case(zhang, SUS_0002, {"conclusion": "不属实", "problem_note": "已核实健在"},
                        warehouse=warehouse, at=AT)
    with pytest.raises(AccessDenied):                       # 340403 may not touch a 340421 case
        service.record_case(zhang, R20_D36, {"conclusion": "不属实"}, warehouse=warehouse, at=AT)
    exported = tmp_path / "340421.xlsx"
    assert cases_cli.export_command(warehouse, exported, "340421", None) == 0
    wb = load_workbook(exported)
    ws = wb["风险台账"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == R20_D36)
    ws.cell(row, header.index("核查结论") + 1, "属实")
    ws.cell(row, header.index("整改状态") + 1, "整改中")
    ws.cell(row, header.index("整改措施") + 1, "社保卡回收入库")
    ws.cell(row, header.index("核查日期") + 1, dt.date(2021, 7, 9))
    filled = tmp_path / "340421-filled.xlsx"
    wb.save(filled)
    assert cases_cli.import_command(filled, warehouse, "li.fts", None, password="li.fts-password") == 0
    service.record_checklist(zhang, "340403", "C01",
                             {"answer": "存在", "note": "部分手工比对", "rectification_status": "整改中"},
                             warehouse=warehouse, at=AT)
    with pytest.raises(AccessDenied):                       # a verifier never reviews, its own or another's
        service.review_case(zhang, R01_P21, "通过", warehouse=warehouse, at=AT)

    # -- build 2: the conclusions are published, 待复核; 附件1/附件2 do not count them yet
    _build(landing, warehouse)
    ledger = _ledger(warehouse)
    r01 = ledger[R01_P21]
    assert (r01["conclusion"], r01["recovered_amount"], r01["rectification_status"], r01["verified_by"]) == (
        "属实", Decimal("11981.92"), "已整改", "zhang.tjq")
    assert r01["verified_on"] == dt.date(2021, 7, 8)
    assert (r01["review_status"], r01["reviewed_by"], r01["reviewed_at"]) == ("待复核", None, None)
    assert ledger[R20_D36]["conclusion"] == "属实" and ledger[R20_D36]["verified_by"] == "li.fts"
    assert ledger[SUS_0002]["conclusion"] == "不属实" and ledger[SUS_0002]["overdue"] is False
    assert R29_YD0002 not in ledger            # R29 stops once the suspect is verified
    basic, problems = _figures(warehouse)
    assert basic["340403"] == basic["340421"] == basic["TOTAL"] == (0, 0, Decimal("0.00"), 0)
    assert problems[("340403", "R01")] == (1, 0, 0, 0, 0, 0, Decimal("0.00"))
    assert problems[("340403", "C01")][:5] == (1, 1, 1, 0, 1)   # the checklist is self-inspection, not a case

    # -- 复核: the city reviewer passes two, returns one; the returned case goes back to its verifier
    service.review_case(chen, R01_P21, "通过", warehouse=warehouse, at=AT)
    service.review_case(chen, SUS_0002, "通过", warehouse=warehouse, at=AT)
    service.review_case(chen, R20_D36, "退回", "请补充卡片回收凭证", warehouse=warehouse, at=AT)
    assert CaseStore(default_store_path(warehouse)).get_case(R20_D36)["review_status"] == "已退回"
    with pytest.raises(CaseStoreError):                     # 已退回 is not 待复核: nothing to pass yet
        service.review_case(chen, R20_D36, "通过", warehouse=warehouse, at=AT)
    service.record_case(li, R20_D36, {"rectification_measures": "社保卡回收入库，凭证已附"}, warehouse=warehouse, at=AT)
    assert CaseStore(default_store_path(warehouse)).get_case(R20_D36)["review_status"] == "待复核"

    # -- build 3: 附件1/附件2 move by exactly the two reviewed cases; R20 waits for its second review
    _build(landing, warehouse)
    ledger = _ledger(warehouse)
    assert (ledger[R01_P21]["review_status"], ledger[R01_P21]["reviewed_by"]) == ("已复核", "chen.city")
    assert ledger[R01_P21]["reviewed_at"] is not None
    assert ledger[R20_D36]["review_status"] == "待复核"
    basic, problems = _figures(warehouse)
    # 附件1 田家庵区: 已核查 2 (R01 属实, suspect 不属实), 属实 1, 追回 1.20 万元, 已整改 1
    assert basic["340403"] == (2, 1, Decimal("1.20"), 1)
    assert basic["340421"] == (0, 0, Decimal("0.00"), 0)
    assert basic["TOTAL"] == (2, 1, Decimal("1.20"), 1)
    # 附件2 rows: (问题数量, 已核查, 属实, 已整改, 整改中, 未整改, 追回万元)
    assert problems[("340403", "R01")] == (1, 1, 1, 1, 0, 0, Decimal("1.20"))
    assert problems[("340421", "R20")] == (1, 0, 0, 0, 0, 0, Decimal("0.00"))

    # -- the second review passes R20; build 4 counts it
    service.review_case(chen, R20_D36, "通过", warehouse=warehouse, at=AT)
    _build(landing, warehouse)
    basic, problems = _figures(warehouse)
    assert basic["340421"] == (1, 1, Decimal("0.00"), 0)
    assert basic["TOTAL"] == (3, 2, Decimal("1.20"), 1)
    assert problems[("340421", "R20")] == (1, 1, 1, 0, 1, 0, Decimal("0.00"))
    assert problems[("340403", "R29")][0] == 0
    assert problems[("TOTAL", "R01")][1:3] == (1, 1)
    store = CaseStore(default_store_path(warehouse))
    history_before = store.history_count()
    records_before = store.cases()

    # -- a new batch: card D30000036 was handed out, so R20 no longer fires for it
    # (payouts.csv as in June again: a delivery without any payout is blocked by the quality gate)
    add_batch(landing, "20210630", "20210731", {"cards.csv": _drop_card_from_r20},
              empty=("status_changes.csv", "operations.csv", "deaths.csv",
                     "incarcerations.csv", "certifications.csv", "reconciliations.csv"))
    _build(landing, warehouse)
    ledger = _ledger(warehouse)
    stopped = ledger[R20_D36]
    assert stopped["detected"] is False
    assert (stopped["case_type"], stopped["flag_id"], stopped["conclusion"], stopped["rectification_status"],
            stopped["rectification_measures"]) == ("flag", R20_D36, "属实", "整改中", "社保卡回收入库，凭证已附")
    assert (stopped["review_status"], stopped["reviewed_by"]) == ("已复核", "chen.city")
    assert (stopped["rule_code"], stopped["subject_id"], stopped["county_code"]) == ("R20", "D30000036", "340421")
    assert ledger[R01_P21]["detected"] is True and ledger[R01_P21]["conclusion"] == "属实"
    assert ledger[SUS_0002]["conclusion"] == "不属实"

    # -- the same data again: still intact; the store was never touched by a build
    _build(landing, warehouse)
    assert _ledger(warehouse)[R20_D36]["detected"] is False
    assert store.history_count() == history_before
    assert store.cases() == records_before
    assert default_store_path(warehouse).exists() and warehouse.exists()
