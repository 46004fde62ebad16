"""Load batches into the raw layer of the building warehouse (schema `raw`).

One transaction per batch version: either all 16 files are loaded and the batch
is recorded as accepted, or nothing of it is kept and the rejection is recorded
(raw.batches / raw.batch_files, the source of marts.batch_audit).
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pension_risk.contract import FILES, FileSpec
from pension_risk.errors import BatchRejected
from pension_risk.ingest import fingerprint
from pension_risk.ingest.discovery import BatchFolder, discover_batches
from pension_risk.ingest.fingerprint import Digest, FileStat
from pension_risk.ingest.manifest import Manifest, read_manifest, verify_file_set
from pension_risk.ingest.reading import (
    GB18030,
    check_csv_header,
    detect_encoding,
    read_xlsx_rows,
    transcode_to_utf8,
)

log = logging.getLogger(__name__)

LINEAGE = ("_batch_id", "_batch_version", "_file", "_row_number")


@dataclass
class FileLoad:
    name: str
    manifest_rows: int | None
    loaded_rows: int = 0
    encoding: str | None = None
    status: str = "accepted"
    reason: str | None = None


@dataclass
class BatchResult:
    batch_id: str
    version: int
    status: str  # accepted | rejected | skipped (already ingested) | rejected-before
    reason: str | None = None
    as_of: dt.date | None = None
    files: list[FileLoad] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.loaded_rows for f in self.files)


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for spec in FILES:
        cols = ", ".join(f'"{c}" varchar' for c in spec.columns)
        con.execute(
            f"create table if not exists raw.{spec.stem} ({cols}, _batch_id varchar, _batch_version integer, "
            "_file varchar, _row_number integer)"
        )
    con.execute(
        "create table if not exists raw.batches (batch_id varchar, batch_version integer, manifest_sha256 varchar, "
        "as_of date, status varchar, reason varchar, ingested_at timestamp)"
    )
    _ensure_quality_columns(con)
    con.execute(
        "create table if not exists raw.batch_files (batch_id varchar, batch_version integer, file varchar, "
        "status varchar, reason varchar, manifest_rows bigint, loaded_rows bigint, encoding varchar, "
        "ingested_at timestamp)"
    )
    con.execute(
        "create table if not exists raw.malformed_lines (_batch_id varchar, _batch_version integer, "
        "_file varchar, _row_number integer, content varchar, reason varchar)"
    )
    con.execute(
        "create table if not exists raw.case_records (case_id varchar, case_type varchar, flag_id varchar, "
        "suspect_id varchar, conclusion varchar, problem_note varchar, recovered_amount decimal(18,2), "
        "rectification_status varchar, rectification_measures varchar, verified_by varchar, verified_on date, "
        "updated_at timestamp)"
    )
    # identity of a case, kept by the store so a case whose flag stopped firing still says what it was
    for column in ("rule_code", "subject_id", "person_id", "county_code"):
        con.execute(f"alter table raw.case_records add column if not exists {column} varchar")
    # its review state (初审 -> 复核): only 已复核 cases count in the official tables
    for column, kind in (("review_status", "varchar"), ("reviewed_by", "varchar"), ("reviewed_at", "timestamp"),
                         ("review_note", "varchar")):
        con.execute(f"alter table raw.case_records add column if not exists {column} {kind}")
    con.execute(
        "create table if not exists raw.checklist_answers (agency_code varchar, item_code varchar, "
        "answer varchar, note varchar, rectification_status varchar, updated_by varchar, updated_at timestamp)"
    )
    fingerprint.ensure_table(con)


def _ensure_quality_columns(con) -> None:
    """raw.batches: when the quality gate checked a version, and with which thresholds it rejected it.

    Added to a warehouse built before the gate existed: its accepted batches count as checked
    (published long ago, they are not judged again), so only batches delivered from now on are.
    """
    existing = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = 'batches'"
    ).fetchall()}
    if "quality_checked_at" not in existing:
        con.execute("alter table raw.batches add column quality_checked_at timestamp")
        con.execute("update raw.batches set quality_checked_at = ingested_at")
    if "quality_config" not in existing:
        con.execute("alter table raw.batches add column quality_config varchar")
    con.execute(
        "create table if not exists raw.quality_checks (batch_id varchar, batch_version integer, file varchar, "
        "check_name varchar, severity varchar, passed boolean, observed varchar, expected varchar, "
        "detail varchar, checked_at timestamp)"
    )


def unchecked_batches(con) -> list[tuple[str, int, dt.date]]:
    """Accepted batch versions the quality gate has not judged yet, in delivery order."""
    return con.execute(
        "select batch_id, batch_version, as_of from raw.batches where status = 'accepted' "
        "and quality_checked_at is null order by batch_id, batch_version").fetchall()


def mark_checked(con, batch_id: str, version: int, now: dt.datetime) -> None:
    con.execute("update raw.batches set quality_checked_at = ? where batch_id = ? and batch_version = ?",
                [now, batch_id, version])


def reject_after_checks(con, batch_id: str, version: int, file: str, reason: str, config: str,
                        now: dt.datetime) -> None:
    """Reject an accepted batch version as a structural problem would: its rows are removed from
    raw, raw.batches / raw.batch_files say rejected with `reason`, and the version it superseded
    (a re-delivery that fails) is accepted again. `config`: the thresholds' digest; the batch is
    tried again when its files or the thresholds change."""
    con.execute("begin transaction")
    try:
        for spec in FILES:
            con.execute(f"delete from raw.{spec.stem} where _batch_id = ? and _batch_version = ?", [batch_id, version])
        con.execute("delete from raw.malformed_lines where _batch_id = ? and _batch_version = ?", [batch_id, version])
        con.execute("update raw.batches set status = 'rejected', reason = ?, quality_config = ?, "
                    "quality_checked_at = ? where batch_id = ? and batch_version = ?",
                    [reason, config, now, batch_id, version])
        con.execute("update raw.batch_files set status = 'rejected', reason = case when file = ? then ? else ? end, "
                    "loaded_rows = null, encoding = null where batch_id = ? and batch_version = ?",
                    [file, reason, f"batch rejected: {reason}", batch_id, version])
        earlier = con.execute("select max(batch_version) from raw.batches where batch_id = ? and batch_version < ? "
                              "and status = 'superseded'", [batch_id, version]).fetchall()[0][0]
        if earlier is not None:
            for table in ("raw.batches", "raw.batch_files"):
                con.execute(f"update {table} set status = 'accepted' where batch_id = ? and batch_version = ?",
                            [batch_id, earlier])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _thresholds_changed(con, batch_id: str, version: int) -> bool:
    """A version rejected by the quality gate under other thresholds than today's."""
    row = con.execute("select quality_config from raw.batches where batch_id = ? and batch_version = ?",
                      [batch_id, version]).fetchall()
    if not row or row[0][0] is None:
        return False
    from expectations.batch import config_digest

    return row[0][0] != config_digest()


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load_csv(con, batch_id: str, version: int, folder: Path, spec: FileSpec, tmpdir: Path | None) -> FileLoad:
    path = folder / spec.name
    load = FileLoad(spec.name, None)
    load.encoding = detect_encoding(batch_id, path)
    check_csv_header(batch_id, path, load.encoding, spec)
    if load.encoding != GB18030:
        return _read_csv_into_raw(con, batch_id, version, spec, str(path), load)
    # DuckDB reads UTF-8: the GB18030 file is transcoded into an anonymous temporary file
    # (O_TMPFILE, never named), so nothing of it survives a crash of this process
    with tempfile.TemporaryFile(dir=tmpdir, prefix=".pension-risk-transcode-") as tmp:
        transcode_to_utf8(path, tmp, GB18030)
        tmp.flush()
        from pension_risk.published import failpoint

        failpoint("ingest")
        return _read_csv_into_raw(con, batch_id, version, spec, f"/proc/self/fd/{tmp.fileno()}", load)


def _read_csv_into_raw(con, batch_id: str, version: int, spec: FileSpec, read_path: str, load: FileLoad) -> FileLoad:
    columns = "{" + ", ".join(f"{_sql_str(c)}: 'VARCHAR'" for c in spec.columns) + "}"
    stage = f"_load_{spec.stem}"
    con.execute(f"drop table if exists {stage}")
    con.execute("drop table if exists _rejects; drop table if exists _rejects_scan")
    con.execute(
        f"create temp table {stage} as select * from read_csv({_sql_str(str(read_path))}, header=true, "
        f"columns={columns}, delim=',', quote='\"', escape='\"', strict_mode=true, ignore_errors=true, "
        "store_rejects=true, rejects_table='_rejects', rejects_scan='_rejects_scan', auto_detect=false, "
        "max_line_size=10000000)"
    )
    good = con.execute(f"select count(*) from {stage}").fetchall()[0][0]
    rejects = con.execute(
        "select line - 1 as row_number, any_value(trim(csv_line, chr(10) || chr(13))) as content, "
        "string_agg(error_type || ': ' || error_message, '; ') as reason from _rejects group by line order by line"
    ).fetchall()
    total = good + len(rejects)
    cols = ", ".join(f'"{c}"' for c in spec.columns)
    lineage = f"{_sql_str(batch_id)}, {version}, {_sql_str(spec.name)}"
    # insertion order is file order; temp-table rowids may start at an offset
    base = f"(select coalesce(min(rowid), 0) from {stage})"
    if not rejects:
        con.execute(
            f"insert into raw.{spec.stem} select {cols}, {lineage}, cast(rowid - {base} + 1 as integer) "
            f"from {stage}"
        )
    else:
        bad = ", ".join(str(r[0]) for r in rejects)
        con.execute(
            f"insert into raw.{spec.stem} "
            f"with free as (select range + 1 as rn, row_number() over (order by range) - 1 as idx "
            f"from range({total}) where range + 1 not in ({bad})) "
            f"select {cols}, {lineage}, cast(free.rn as integer) from {stage} join free on {stage}.rowid - {base} = free.idx"
        )
        con.executemany(
            "insert into raw.malformed_lines values (?, ?, ?, ?, ?, ?)",
            [(batch_id, version, spec.name, r[0], r[1], r[2]) for r in rejects],
        )
    con.execute(f"drop table {stage}")
    load.loaded_rows = total
    return load


def _load_xlsx(con, batch_id: str, version: int, folder: Path, spec: FileSpec) -> FileLoad:
    rows = read_xlsx_rows(batch_id, folder / spec.name, spec)
    load = FileLoad(spec.name, None, encoding="xlsx")
    frame = pd.DataFrame([r[1:] for r in rows], columns=list(spec.columns), dtype="object")
    frame["_batch_id"] = batch_id
    frame["_batch_version"] = version
    frame["_file"] = spec.name
    frame["_row_number"] = [r[0] for r in rows]
    con.register("_xlsx_frame", frame)
    cols = ", ".join(f'cast("{c}" as varchar)' for c in spec.columns)
    con.execute(
        f"insert into raw.{spec.stem} select {cols}, cast(_batch_id as varchar), cast(_batch_version as integer), "
        "cast(_file as varchar), cast(_row_number as integer) from _xlsx_frame"
    )
    con.unregister("_xlsx_frame")
    load.loaded_rows = len(rows)
    return load


def _seen_versions(con, batch_id: str) -> list[tuple[int, str, str]]:
    return con.execute(
        "select batch_version, manifest_sha256, status from raw.batches where batch_id = ? order by batch_version",
        [batch_id],
    ).fetchall()


def _record_rejection(con, batch_id: str, version: int, manifest: Manifest | None, sha: str | None,
                      exc: BatchRejected, now: dt.datetime) -> None:
    con.execute(
        "insert into raw.batches (batch_id, batch_version, manifest_sha256, as_of, status, reason, ingested_at, "
        "quality_checked_at) values (?, ?, ?, ?, 'rejected', ?, ?, ?)",
        [batch_id, version, sha, manifest.as_of if manifest else None, str(exc), now, now],
    )
    names = [s.name for s in FILES]
    if exc.file and exc.file not in names and exc.file != "manifest.json":
        names.append(exc.file)
    for name in names:
        rows = manifest.files[name].rows if manifest and name in manifest.files else None
        reason = exc.reason if name == exc.file else f"batch rejected: {exc.file or batch_id}: {exc.reason}"
        con.execute(
            "insert into raw.batch_files values (?, ?, ?, 'rejected', ?, ?, null, null, ?)",
            [batch_id, version, name, reason, rows, now],
        )


# errors of the machine, not of the delivered file: they fail the run (nothing published) instead of
# rejecting the batch, which would stay rejected while its files do not change
_MACHINE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.ENOMEM}
_MACHINE_DUCKDB = tuple(getattr(duckdb, n) for n in (
    "IOException", "OutOfMemoryException", "FatalException", "InternalException", "InterruptException")
    if hasattr(duckdb, n))


def _is_machine_error(exc: BaseException) -> bool:
    if not isinstance(exc, Exception) or isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError) and exc.errno in _MACHINE_ERRNOS:
        return True
    return isinstance(exc, _MACHINE_DUCKDB)


def _unreadable(batch_id: str, name: str, exc: Exception) -> BatchRejected:
    text = " ".join(str(exc).split())[:300] or "no detail"
    what = "cannot be read" if isinstance(exc, OSError) else "cannot be parsed"
    return BatchRejected(batch_id, name, f"{what}: {type(exc).__name__}: {text}")


def _verify_checksums(folder: Path, manifest: Manifest) -> dict[str, tuple[FileStat, Digest]]:
    """Every file's sha256 against the manifest, before any file is parsed."""
    batch_id = folder.name
    out: dict[str, tuple[FileStat, Digest]] = {}
    for spec in FILES:
        path = folder / spec.name
        try:
            st = path.stat()
            d = fingerprint.digest(path)
        except OSError as exc:
            if exc.errno in _MACHINE_ERRNOS:
                raise
            raise _unreadable(batch_id, spec.name, exc) from None
        out[spec.name] = (FileStat(spec.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns), d)
        expected = manifest.files[spec.name].sha256
        if d.sha256 != expected:
            rows = manifest.files[spec.name].rows
            hint = ""
            if not spec.is_xlsx and d.lines < rows:
                hint = f" ({d.lines} line(s) for {rows} manifest rows: truncated, or still being copied?)"
            raise BatchRejected(
                batch_id, spec.name, f"sha256 mismatch: manifest says {expected[:12]}…, file has {d.sha256[:12]}…{hint}"
            )
    return out


def _unchanged(folder: Path, spec: FileSpec, before: FileStat) -> None:
    """The file must not have changed while it was read (a copy still in progress)."""
    try:
        st = (folder / spec.name).stat()
    except OSError as exc:
        raise _unreadable(folder.name, spec.name, exc) from None
    if (st.st_size, st.st_mtime_ns) != (before.size, before.mtime_ns):
        raise BatchRejected(folder.name, spec.name,
                            "the file changed while it was being read (still being copied?)")


def rejected_before_reason(version: int, reason: str | None) -> str:
    """The reason of a batch left as rejected because its files did not change since."""
    return f"rejected earlier (version {version}), files unchanged since: {reason or ''}"


def ingest_batch(con, folder: BatchFolder, now: dt.datetime, tmpdir: Path | None = None,
                 progress: Callable[[str], None] = lambda _m: None,
                 on_rows: Callable[[int], None] = lambda _n: None) -> BatchResult:
    """Ingest one batch folder (all or nothing).

    Order: the manifest, the file set, every file's checksum, and only then parsing; any
    problem of a file (its bytes, its structure, an error while parsing it) rejects the
    batch with the file and the reason. A batch rejected before is tried again as a new
    version once its files' digests change; unchanged, it stays "rejected-before".
    """
    batch_id = folder.batch_id
    manifest: Manifest | None = None
    seen = _seen_versions(con, batch_id)
    manifest_error: BatchRejected | None = None
    try:
        manifest = read_manifest(folder.path)
    except BatchRejected as exc:
        manifest_error = exc
    sha = manifest.sha256 if manifest else None
    as_of = manifest.as_of if manifest else None
    same = [(v, status) for v, s, status in seen if s == sha]
    for v, status in same:
        if sha is not None and status in ("accepted", "superseded"):
            return BatchResult(batch_id, v, "skipped", None, as_of)
    for v, status in reversed(same):
        if status == "rejected" and fingerprint.unchanged_since(con, batch_id, v, folder.path) \
                and not _thresholds_changed(con, batch_id, v):
            earlier = con.execute("select reason from raw.batches where batch_id = ? and batch_version = ?",
                                  [batch_id, v]).fetchone()
            reason = rejected_before_reason(v, earlier[0] if earlier else "")
            return BatchResult(batch_id, v, "rejected-before", reason, as_of)
    version = (max(v for v, _s, _st in seen) + 1) if seen else 1
    if manifest_error is not None:
        _record_rejection(con, batch_id, version, None, None, manifest_error, now)
        fingerprint.record(con, batch_id, version, folder.path, {}, now)
        return BatchResult(batch_id, version, "rejected", str(manifest_error))
    result = BatchResult(batch_id, version, "accepted", as_of=manifest.as_of)
    digests: dict[str, tuple[FileStat, Digest]] = {}
    con.execute("begin transaction")
    try:
        verify_file_set(folder.path, manifest)
        digests = _verify_checksums(folder.path, manifest)
        for spec in FILES:
            progress(f"{batch_id} {spec.name}")
            try:
                if spec.is_xlsx:
                    load = _load_xlsx(con, batch_id, version, folder.path, spec)
                else:
                    load = _load_csv(con, batch_id, version, folder.path, spec, tmpdir)
            except BatchRejected:
                raise
            except BaseException as exc:
                if _is_machine_error(exc):
                    raise
                raise _unreadable(batch_id, spec.name, exc) from None
            _unchanged(folder.path, spec, digests[spec.name][0])
            load.manifest_rows = manifest.files[spec.name].rows
            if load.loaded_rows != load.manifest_rows:
                hint = " (truncated file?)" if load.loaded_rows < load.manifest_rows else ""
                raise BatchRejected(
                    batch_id, spec.name,
                    f"row count mismatch: manifest says {load.manifest_rows}, file has {load.loaded_rows}{hint}",
                )
            result.files.append(load)
            on_rows(load.loaded_rows)
    except BatchRejected as exc:
        con.execute("rollback")
        _record_rejection(con, batch_id, version, manifest, manifest.sha256, exc, now)
        fingerprint.record(con, batch_id, version, folder.path, digests, now)
        return BatchResult(batch_id, version, "rejected", str(exc), manifest.as_of)
    except BaseException:
        con.execute("rollback")
        raise
    # a re-delivered batch supersedes its earlier accepted version
    con.execute(
        "update raw.batches set status = 'superseded' where batch_id = ? and status = 'accepted'", [batch_id]
    )
    con.execute(
        "update raw.batch_files set status = 'superseded' where batch_id = ? and status = 'accepted'", [batch_id]
    )
    con.execute(
        "insert into raw.batches (batch_id, batch_version, manifest_sha256, as_of, status, reason, ingested_at) "
        "values (?, ?, ?, ?, 'accepted', null, ?)",
        [batch_id, version, manifest.sha256, manifest.as_of, now],
    )
    for load in result.files:
        con.execute(
            "insert into raw.batch_files values (?, ?, ?, 'accepted', null, ?, ?, ?, ?)",
            [batch_id, version, load.name, load.manifest_rows, load.loaded_rows, load.encoding, now],
        )
    fingerprint.record(con, batch_id, version, folder.path, digests, now)
    con.execute("commit")
    return result


def ingest_landing(con, landing: Path, now: dt.datetime | None = None,
                   progress: Callable[[str], None] = lambda _m: None, tmpdir: Path | None = None,
                   on_rows: Callable[[int], None] = lambda _n: None) -> list[BatchResult]:
    """Ingest every batch of the landing directory not ingested before, in name order.

    `tmpdir`: where GB18030 files are transcoded (anonymous files, gone when the process ends);
    the pipeline passes the warehouse's directory, default the system's temporary directory.
    `on_rows`: called with the rows of each file once loaded (the run's progress).
    """
    ensure_raw_schema(con)
    now = now or dt.datetime.now().replace(microsecond=0)
    return [ingest_batch(con, folder, now, tmpdir, progress, on_rows) for folder in discover_batches(landing)]
