"""Fast tests of `pension-risk generate` (small N)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest

from pension_risk.contract import FILES
from pension_risk.errors import PensionRiskError
from pension_risk.generate import generate
from pension_risk.ids import normalize_id

AS_OF = dt.date(2021, 6, 30)


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gen")
    generate(root / "out", None, 400, 7, AS_OF, 3)
    return root / "out"


def test_batches_are_month_ends(landing: Path) -> None:
    assert sorted(p.name for p in landing.iterdir()) == ["20210430", "20210531", "20210630"]


def test_truth_beside_not_inside(landing: Path) -> None:
    truth = landing.parent / "out_truth"
    assert (truth / "truth_flags.csv").exists()
    assert not (landing / "out_truth").exists()
    assert next(csv.reader(open(truth / "truth_flags.csv", encoding="utf-8"))) == [
        "rule_code", "subject_id", "county_code", "amount", "person_id"]


def test_same_arguments_same_bytes(landing: Path, tmp_path: Path) -> None:
    generate(tmp_path / "out", None, 400, 7, AS_OF, 3)
    assert _digest(tmp_path / "out") == _digest(landing)
    assert _digest(tmp_path / "out_truth") == _digest(landing.parent / "out_truth")


def test_manifest_matches_files(landing: Path) -> None:
    for batch in landing.iterdir():
        manifest = json.loads((batch / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["batch_id"] == batch.name
        assert [f["name"] for f in manifest["files"]] == [s.name for s in FILES]
        for entry in manifest["files"]:
            path = batch / entry["name"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
            if path.suffix == ".xlsx":
                ws = openpyxl.load_workbook(path).worksheets[0]
                rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
            else:
                rows = path.read_bytes().splitlines()[1:]
            assert len(rows) == entry["rows"], entry["name"]


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def test_headers_exact(landing: Path) -> None:
    for batch in landing.iterdir():
        for spec in FILES:
            path = batch / spec.name
            if spec.is_xlsx:
                header = next(openpyxl.load_workbook(path).worksheets[0].iter_rows(max_row=1, values_only=True))
                assert tuple(header) == spec.headers
            else:
                first = _decode(path.read_bytes()).splitlines()[0]
                assert tuple(first.split(",")) == spec.columns


def test_gb18030_file_not_utf8_and_rare_character(landing: Path) -> None:
    data = (landing / "20210430" / "persons.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gb18030")
    assert "P0000001" in text
    deaths = (landing / "20210430" / "deaths.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        deaths.decode("utf-8")


def test_person_ids_valid_except_reported(landing: Path) -> None:
    text = _decode((landing / "20210630" / "persons.csv").read_bytes())
    rows = list(csv.DictReader(text.splitlines()))
    bad = [r["person_id"] for r in rows if normalize_id(r["id_number"]) is None]
    exc = list(csv.DictReader(open(landing.parent / "out_truth" / "truth_exceptions.csv", encoding="utf-8")))
    reported = {e["key"] for e in exc if e["file"] == "persons.csv" and e["staged"] == "true"}
    assert len(bad) == 1 and set(bad) == reported


def test_exceptions_listed(landing: Path) -> None:
    exc = list(csv.DictReader(open(landing.parent / "out_truth" / "truth_exceptions.csv", encoding="utf-8")))
    files = {(e["file"], e["staged"]) for e in exc}
    assert ("certifications.csv", "false") in files
    assert ("reconciliations.csv", "false") in files
    assert ("payouts.csv", "true") in files
    assert ("users.csv", "true") in files


def test_external_feeds_carry_messy_ids(landing: Path) -> None:
    raw = []
    for batch in landing.iterdir():
        text = _decode((batch / "deaths.csv").read_bytes())
        raw += [r["id_number"] for r in csv.DictReader(text.splitlines())]
    assert any(len(r.strip()) == 15 for r in raw)
    assert any(r != r.strip() for r in raw)


def test_refuses_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    with pytest.raises(PensionRiskError):
        generate(tmp_path / "out", None, 300, 1, AS_OF, 2)
    with pytest.raises(PensionRiskError):
        generate(tmp_path / "x", tmp_path / "x" / "truth", 300, 1, AS_OF, 2)


ALL_RULES = [f"R{i:02d}" for i in range(1, 30)]


def _truth(landing: Path) -> list[dict]:
    return list(csv.DictReader(open(landing.parent / "out_truth" / "truth_flags.csv", encoding="utf-8")))


def _summary(landing: Path) -> dict:
    return json.loads((landing.parent / "out_truth" / "truth_summary.json").read_text(encoding="utf-8"))


def _rows(landing: Path, name: str) -> list[dict]:
    """Every row of an increment file over all batches, in batch order."""
    out = []
    for batch in sorted(landing.iterdir()):
        text = _decode((batch / name).read_bytes())
        out += list(csv.DictReader(text.splitlines()))
    return out


def _current_payouts(landing: Path) -> dict[str, dict]:
    """Latest row per payout_id across batches (a later batch wins)."""
    cur: dict[str, dict] = {}
    for r in _rows(landing, "payouts.csv"):
        cur[r["payout_id"]] = r
    return cur


def _mi(s: str) -> int:
    return int(s[:4]) * 12 + int(s[5:7]) - 1


def test_truth_has_flags_for_every_rule(landing: Path) -> None:
    rows = _truth(landing)
    counts = {r: sum(1 for x in rows if x["rule_code"] == r) for r in ALL_RULES}
    assert all(c >= 1 for c in counts.values()), counts
    assert _summary(landing)["expected_flags"] == counts
    keys = [(r["rule_code"], r["subject_id"]) for r in rows]
    assert len(keys) == len(set(keys))
    r24 = {r["subject_id"] for r in rows if r["rule_code"] == "R24"}
    assert "U34040326" not in r24  # near-miss: disabled on time, last login on the leaving day


def test_amount_columns(landing: Path) -> None:
    no_amount = {"R06", "R08", "R13", "R16", "R17", "R18", "R19", "R20", "R21", "R22", "R23", "R24", "R25",
                 "R26", "R29"}
    for r in _truth(landing):
        if r["rule_code"] in no_amount:
            assert r["amount"] == "", r
        else:
            assert r["amount"] != "" and len(r["amount"].split(".")[1]) == 2, r
        if r["rule_code"] == "R07":
            assert r["person_id"] == ""
        if r["rule_code"] == "R27":
            assert len(r["subject_id"]) == 18 and normalize_id(r["subject_id"]) == r["subject_id"]


def test_planted_subjects_in_truth_and_near_misses_not(landing: Path) -> None:
    s = _summary(landing)
    truth = {(r["rule_code"], r["subject_id"]) for r in _truth(landing)}
    assert set(s["planted_subjects"]) >= {"R01", "R02", "R03", "R04", "R05", "R07", "R10", "R11", "R12", "R17",
                                         "R27", "R28"}
    for rule, subjects in s["planted_subjects"].items():
        assert subjects and all((rule, x) in truth for x in subjects), rule
    for rule, subjects in s["near_miss_subjects"].items():
        assert not any((rule, x) in truth for x in subjects), rule


def test_r01_amount_from_csvs(landing: Path) -> None:
    """R01 of a planted person = per-month amounts of its paid payouts covering months after the death month."""
    s = _summary(landing)
    truth = {(r["rule_code"], r["subject_id"]): r for r in _truth(landing)}
    persons = {r["person_id"]: r for r in csv.DictReader(
        _decode((landing / "20210630" / "persons.csv").read_bytes()).splitlines())}
    deaths = _rows(landing, "deaths.csv")
    pays = _current_payouts(landing)
    for pid in s["planted_subjects"]["R01"][:4]:
        nid = normalize_id(persons[pid]["id_number"])
        dm = min(_mi(d["death_date"]) for d in deaths if normalize_id(d["id_number"]) == nid)
        total = 0.0
        for p in pays.values():
            if p["person_id"] != pid or p["pay_status"] != "1" or p["pay_month"] < "2019-01":
                continue
            f, t = _mi(p["period_from"]), _mi(p["period_to"])
            after = t - max(f, dm + 1) + 1
            if after > 0:
                total += float(p["amount"]) * after / (t - f + 1)
        assert total > 0
        assert abs(float(truth[("R01", pid)]["amount"]) - total) < 0.006, pid
        assert truth[("R01", pid)]["county_code"] == persons[pid]["county_code"]
        assert truth[("R01", pid)]["person_id"] == pid


def test_r04_amount_from_csvs(landing: Path) -> None:
    """R04 amount = sum of T(m) over the months with T(m) > max(3M, floor)."""
    s = _summary(landing)
    truth = {(r["rule_code"], r["subject_id"]): r for r in _truth(landing)}
    ben = list(csv.DictReader(_decode((landing / "20210630" / "benefits.csv").read_bytes()).splitlines()))
    pays = _current_payouts(landing)
    floors = {"170": 3000, "110": 20000, "120": 30000}
    for pid in s["planted_subjects"]["R04"][:3]:
        mine = [b for b in ben if b["person_id"] == pid]
        M = sum(float(b["monthly_amount"]) for b in mine)
        scheme = sorted(mine, key=lambda b: (-float(b["monthly_amount"]), b["benefit_id"]))[0]["scheme_code"]
        T: dict[str, float] = {}
        for p in pays.values():
            if p["person_id"] == pid and p["pay_status"] == "1" and p["pay_month"] >= "2019-01":
                T[p["pay_month"]] = T.get(p["pay_month"], 0) + float(p["amount"])
        total = sum(v for v in T.values() if v > max(3 * M, floors[scheme]))
        assert abs(float(truth[("R04", pid)]["amount"]) - total) < 0.006, pid


def test_later_batch_correction(landing: Path) -> None:
    """A payout re-delivered in a later batch: the truth follows the corrected row."""
    seen: dict[str, list[tuple[str, dict]]] = {}
    for batch in sorted(landing.iterdir()):
        for r in csv.DictReader(_decode((batch / "payouts.csv").read_bytes()).splitlines()):
            seen.setdefault(r["payout_id"], []).append((batch.name, r))
    corrected = {k: v for k, v in seen.items() if len(v) > 1}
    assert len(corrected) == 2
    truth = {(r["rule_code"], r["subject_id"]) for r in _truth(landing)}
    s = _summary(landing)
    kinds = set()
    for pid, versions in corrected.items():
        (b0, first), (b1, last) = versions
        assert b0 < b1 == "20210630"
        if first["pay_status"] != last["pay_status"]:
            assert (first["pay_status"], last["pay_status"]) == ("2", "1")
            assert ("R11", pid) not in truth and pid in s["near_miss_subjects"]["R11"]
            kinds.add("status")
        else:
            assert round(float(first["amount"]) * 100) == 40 * round(float(last["amount"]) * 100)
            assert ("R04", last["person_id"]) not in truth and last["person_id"] in s["near_miss_subjects"]["R04"]
            kinds.add("amount")
    assert kinds == {"status", "amount"}


def test_generating_again_into_the_same_directories_works(tmp_path):
    import datetime as dt

    from pension_risk.generate import generate

    out, truth = tmp_path / "landing", tmp_path / "landing_truth"
    generate(out, truth, 300, 3, dt.date(2021, 6, 30), 2)
    first = sorted(p.name for p in out.iterdir())
    generate(out, truth, 300, 3, dt.date(2021, 6, 30), 2)  # the demo, run twice
    assert sorted(p.name for p in out.iterdir()) == first == ["20210531", "20210630"]
    assert (truth / "truth_flags.csv").exists()


def test_refuses_to_overwrite_foreign_directories(tmp_path):
    import datetime as dt

    import pytest

    from pension_risk.errors import PensionRiskError
    from pension_risk.generate import generate

    out = tmp_path / "landing"
    out.mkdir()
    (out / "precious.txt").write_text("not ours", encoding="utf-8")
    with pytest.raises(PensionRiskError, match="not written by the generator"):
        generate(out, None, 300, 3, dt.date(2021, 6, 30), 2)
    assert (out / "precious.txt").exists()
