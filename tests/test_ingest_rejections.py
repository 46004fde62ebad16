"""Every batch-level rejection reason: the message names the file and the mismatch,
nothing of the rejected batch is kept, and the earlier batch stays as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from pension_risk.ingest import ingest_landing
from tests.fault_helpers import rehash, truncate_xlsx_sheet
from tests.landing_helpers import write_manifest

GOOD, BAD = "20210531", "20210630"


def _ingest(db: Path, landing: Path):
    con = duckdb.connect(str(db))
    try:
        return {r.batch_id: r for r in ingest_landing(con, landing)}
    finally:
        con.close()


def _query(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _missing_file(folder: Path):
    (folder / "deaths.csv").unlink()


def _extra_file(folder: Path):
    (folder / "notes.txt").write_text("hello", encoding="utf-8")


def _truncated_file(folder: Path):
    data = (folder / "operations.csv").read_bytes()
    (folder / "operations.csv").write_bytes(data[: len(data) // 2])


def _checksum(folder: Path):
    path = folder / "payouts.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",1,", ",2,", 1), encoding="utf-8")  # same rows, other bytes


def _row_count(folder: Path):
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for f in manifest["files"]:
        if f["name"] == "cards.csv":
            f["rows"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _missing_column(folder: Path):
    path = folder / "cards.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines) + "\n", encoding="utf-8")
    write_manifest(folder)  # a consistent manifest: the file itself is wrong


def _zero_byte(folder: Path):
    (folder / "deaths.csv").write_bytes(b"")


def _undecodable(folder: Path):
    path = folder / "regions.csv"
    path.write_bytes(path.read_bytes() + b"\xff\xfe\xff,\x81\n")
    write_manifest(folder)


def _other_delimiter(folder: Path):
    path = folder / "user_roles.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    write_manifest(folder)


def _not_a_workbook(folder: Path):
    (folder / "staff.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    rehash(folder, "staff.xlsx")  # the manifest matches: the checksum passes, the parse fails


def _truncated_xlsx(folder: Path):
    truncate_xlsx_sheet(folder / "staff.xlsx")  # a valid zip, the sheet XML cut half-way
    rehash(folder, "staff.xlsx")


def _truncated_xlsx_manifest_of_the_whole_file(folder: Path):
    truncate_xlsx_sheet(folder / "suspects.xlsx")  # checked before it is parsed: a checksum mismatch


def _manifest_missing(folder: Path):
    (folder / "manifest.json").unlink()


CASES = [
    (_missing_file, "deaths.csv", "missing"),
    (_extra_file, "notes.txt", "unexpected extra file"),
    (_truncated_file, "operations.csv", "for 1300 manifest rows: truncated, or still being copied?"),
    (_checksum, "payouts.csv", "sha256 mismatch"),
    (_row_count, "cards.csv", "row count mismatch: manifest says 41, file has 40"),
    (_missing_column, "cards.csv", "missing column(s): activation_mode"),
    (_zero_byte, "deaths.csv", "zero-byte file"),
    (_undecodable, "regions.csv", "undecodable bytes"),
    (_other_delimiter, "user_roles.csv", "another delimiter"),
    (_not_a_workbook, "staff.xlsx", "not an xlsx workbook"),
    (_manifest_missing, "manifest.json", "manifest.json is missing"),
    (_truncated_xlsx, "staff.xlsx", "cannot be parsed: ParseError: no element found"),
    (_truncated_xlsx_manifest_of_the_whole_file, "suspects.xlsx", "sha256 mismatch"),
]


@pytest.mark.parametrize(("corrupt", "file", "fragment"), CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_batch_rejected_with_reason_and_earlier_batch_kept(example_landing, tmp_path, corrupt, file, fragment):
    db = tmp_path / "ingest.duckdb"
    bad = example_landing / BAD
    bad.rename(example_landing / "_hold")
    first = _ingest(db, example_landing)
    assert first[GOOD].status == "accepted"
    before = _query(db, "select count(*), sum(hash(payout_id)) from raw.payouts")
    (example_landing / "_hold").rename(bad)

    corrupt(bad)
    second = _ingest(db, example_landing)

    result = second[BAD]
    assert result.status == "rejected"
    assert f"batch {BAD}/{file} rejected" in result.reason
    assert fragment in result.reason
    # nothing of the rejected batch is kept; the earlier batch is untouched
    assert _query(db, f"select count(*) from raw.payouts where _batch_id = '{BAD}'") == [(0,)]
    assert _query(db, "select count(*), sum(hash(payout_id)) from raw.payouts") == before
    assert second[GOOD].status == "skipped"
    # the rejection is recorded for every file of the batch, the culprit with its own reason
    rows = _query(db, f"select file, status, reason from raw.batch_files where batch_id = '{BAD}' order by file")
    assert len(rows) >= 16 and {r[1] for r in rows} == {"rejected"}
    culprit = [r for r in rows if r[0] == file]
    if file != "manifest.json":
        assert culprit and fragment in culprit[0][2]


def test_same_batch_twice_changes_nothing(example_landing, tmp_path):
    db = tmp_path / "ingest.duckdb"
    _ingest(db, example_landing)
    snapshot = _query(db, "select count(*), sum(hash(_batch_id, _row_number)) from raw.operations")
    again = _ingest(db, example_landing)
    assert {r.status for r in again.values()} == {"skipped"}
    assert _query(db, "select count(*), sum(hash(_batch_id, _row_number)) from raw.operations") == snapshot
    assert _query(db, "select count(*) from raw.batches") == [(2,)]


def test_redelivered_batch_supersedes_the_old_version(example_landing, tmp_path):
    db = tmp_path / "ingest.duckdb"
    _ingest(db, example_landing)
    folder = example_landing / BAD
    path = folder / "certifications.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\nRZ999999999,P0000001,2021-06-20,1,1,,\n",
                    encoding="utf-8")
    write_manifest(folder)
    result = _ingest(db, example_landing)[BAD]
    assert (result.status, result.version) == ("accepted", 2)
    assert _query(db, f"select batch_version, status from raw.batches where batch_id = '{BAD}' order by 1") == [
        (1, "superseded"), (2, "accepted")]
    assert _query(db, f"select count(*) from raw.certifications where _batch_id = '{BAD}' and _batch_version = 2") \
        == [(2,)]


def test_gb18030_and_bom_files_are_detected(example_landing, tmp_path):
    db = tmp_path / "ingest.duckdb"
    results = _ingest(db, example_landing)
    encodings = {f.name: f.encoding for f in results[GOOD].files}
    assert encodings["persons.csv"] == "gb18030"
    assert encodings["bank_accounts.csv"] == "utf-8-sig"
    assert _query(db, "select name from raw.persons where _batch_id = '20210531' and person_id = 'P0000001'") \
        == [("王正志",)]


def test_checksums_are_verified_before_any_file_is_parsed(example_landing, tmp_path, monkeypatch):
    from pension_risk.ingest import loader

    folder = example_landing / BAD
    (folder / "staff.xlsx").write_bytes((folder / "staff.xlsx").read_bytes()[:-10])  # manifest unchanged
    parsed = []

    def spy(real):
        return lambda batch_id, path, *a, **k: parsed.append((batch_id, Path(path).name)) or real(batch_id, path, *a, **k)

    monkeypatch.setattr(loader, "read_xlsx_rows", spy(loader.read_xlsx_rows))
    monkeypatch.setattr(loader, "detect_encoding", spy(loader.detect_encoding))
    results = _ingest(tmp_path / "ingest.duckdb", example_landing)
    assert results[BAD].status == "rejected" and "staff.xlsx rejected: sha256 mismatch" in results[BAD].reason
    assert len([p for p in parsed if p[0] == GOOD]) == 16
    assert [p for p in parsed if p[0] == BAD] == []  # nothing of the bad batch was parsed


def test_any_parse_error_rejects_the_batch_with_file_and_reason(example_landing, tmp_path, monkeypatch):
    from pension_risk.ingest import loader

    real = loader.read_xlsx_rows

    def exploding(batch_id, path, spec):
        if batch_id == BAD and spec.name == "suspects.xlsx":
            raise KeyError("xl/sharedStrings.xml")  # whatever the parser raises
        return real(batch_id, path, spec)

    monkeypatch.setattr(loader, "read_xlsx_rows", exploding)
    results = _ingest(tmp_path / "ingest.duckdb", example_landing)
    assert results[GOOD].status == "accepted"
    assert results[BAD].status == "rejected"
    assert "suspects.xlsx rejected: cannot be parsed: KeyError" in results[BAD].reason


def test_a_machine_error_fails_the_run_instead_of_rejecting(example_landing, tmp_path, monkeypatch):
    import errno

    from pension_risk.ingest import loader

    def disk_full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(loader, "transcode_to_utf8", disk_full)
    db = tmp_path / "ingest.duckdb"
    with pytest.raises(OSError, match="No space left"):
        _ingest(db, example_landing)
    assert _query(db, "select count(*) from raw.batches") == [(0,)]  # nothing recorded as rejected


def test_rejected_batch_is_retried_when_its_files_change_not_before(example_landing, tmp_path):
    db = tmp_path / "ingest.duckdb"
    folder = example_landing / BAD
    whole = (folder / "payouts.csv").read_bytes()
    (folder / "payouts.csv").write_bytes(whole[: len(whole) // 2])  # still being copied
    first = _ingest(db, example_landing)[BAD]
    assert (first.status, first.version) == ("rejected", 1)
    assert "payouts.csv rejected: sha256 mismatch" in first.reason and "still being copied?" in first.reason

    again = _ingest(db, example_landing)[BAD]  # nothing changed: not tried again
    assert (again.status, again.version) == ("rejected-before", 1)
    assert "files unchanged since" in again.reason

    os.utime(folder / "payouts.csv")  # touched, same bytes: still the rejected version
    assert _ingest(db, example_landing)[BAD].status == "rejected-before"

    (folder / "payouts.csv").write_bytes(whole)  # the copy completes: same manifest, other digests
    done = _ingest(db, example_landing)[BAD]
    assert (done.status, done.version) == ("accepted", 2)
    assert _query(db, f"select batch_version, status from raw.batches where batch_id = '{BAD}' order by 1") == [
        (1, "rejected"), (2, "accepted")]
    assert _ingest(db, example_landing)[BAD].status == "skipped"


def test_batch_without_manifest_is_retried_when_it_arrives(example_landing, tmp_path):
    db = tmp_path / "ingest.duckdb"
    manifest = example_landing / BAD / "manifest.json"
    held = manifest.read_bytes()
    manifest.unlink()
    assert _ingest(db, example_landing)[BAD].status == "rejected"
    assert _ingest(db, example_landing)[BAD].status == "rejected-before"
    manifest.write_bytes(held)
    assert _ingest(db, example_landing)[BAD].status == "accepted"


def test_gb18030_transcoding_leaves_no_file(example_landing, tmp_path):
    from pension_risk.ingest import ingest_landing

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    con = duckdb.connect(str(tmp_path / "ingest.duckdb"))
    try:
        results = ingest_landing(con, example_landing, tmpdir=scratch)
    finally:
        con.close()
    assert {f.encoding for f in results[0].files} >= {"gb18030"}
    assert list(scratch.iterdir()) == []  # anonymous files only (O_TMPFILE): nothing to leave after a crash
