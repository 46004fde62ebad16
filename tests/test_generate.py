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


ORACLE_RULES = ["R06", "R08", "R09", "R13", "R14", "R15", "R16", "R18", "R19", "R20", "R21", "R22", "R23",
                "R24", "R25", "R26", "R29"]


def test_truth_has_flags_for_implemented_rules(landing: Path) -> None:
    rows = list(csv.DictReader(open(landing.parent / "out_truth" / "truth_flags.csv", encoding="utf-8")))
    rules = {r["rule_code"] for r in rows}
    assert set(ORACLE_RULES) <= rules
    r24 = {r["subject_id"] for r in rows if r["rule_code"] == "R24"}
    assert "U34040326" not in r24  # near-miss: disabled on time, last login on the leaving day
