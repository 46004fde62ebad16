"""Fingerprints of a batch folder: what its files were when a version was ingested or rejected.

A rejected batch is tried again when its files change (EXTRACTS.md says a batch
with the same manifest is never ingested twice; a rejected one was not ingested):
`raw.batch_fingerprints` keeps, per version, each file's size, mtime and sha256.
Sizes and mtimes decide cheaply that nothing changed; when they differ the
digests decide (a file touched but not changed stays rejected).
The sensor uses the same stats to wait until a batch has stopped changing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

TABLE = "raw.batch_fingerprints"
_CHUNK = 1 << 22


@dataclass(frozen=True)
class FileStat:
    name: str
    size: int
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True)
class Digest:
    sha256: str | None  # None: the file could not be read
    lines: int          # newline characters (a hint for truncated files, not a row count)


def ensure_table(con) -> None:
    con.execute(
        f"create table if not exists {TABLE} (batch_id varchar, batch_version integer, file varchar, "
        "size bigint, mtime_ns bigint, sha256 varchar, recorded_at timestamp)"
    )
    con.execute(f"comment on table {TABLE} is 'Per batch version: size, mtime and sha256 of each file of the "
                "batch folder when it was ingested or rejected (a rejected batch is retried when they change).'")


def folder_stats(folder: Path) -> dict[str, FileStat]:
    """Every entry of a batch folder (manifest.json included) by name."""
    out = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError:
            continue
        out[entry.name] = FileStat(entry.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return out


def signature(folder: Path) -> tuple:
    """Names, sizes and mtimes of a folder's files: equal signatures = nothing changed (cheap)."""
    stats = folder_stats(folder)
    return tuple(sorted((s.name, s.size, s.mtime_ns) for s in stats.values()))


def last_change(folder: Path) -> float:
    """Epoch seconds of the newest change in the folder (mtime or ctime of any entry or of the folder).

    ctime cannot be set by a copy that preserves mtimes (cp -p, rsync -t), so a file still
    being written always looks recent.
    """
    newest = 0
    try:
        st = folder.stat()
        newest = max(st.st_mtime_ns, st.st_ctime_ns)
    except OSError:
        pass
    for s in folder_stats(folder).values():
        newest = max(newest, s.mtime_ns, s.ctime_ns)
    return newest / 1e9


def digest(path: Path) -> Digest:
    h = hashlib.sha256()
    lines = 0
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            h.update(block)
            lines += block.count(b"\n")
    return Digest(h.hexdigest(), lines)


def record(con, batch_id: str, version: int, folder: Path, known: dict[str, tuple[FileStat, Digest]],
           now: dt.datetime) -> None:
    """Store the fingerprint of every file of the folder for this version (digests reused when known)."""
    ensure_table(con)
    rows = []
    for name, st in sorted(folder_stats(folder).items()):
        prior = known.get(name)
        if prior is not None and (prior[0].size, prior[0].mtime_ns) == (st.size, st.mtime_ns):
            sha = prior[1].sha256
        else:
            try:
                sha = digest(folder / name).sha256 if (folder / name).is_file() else None
            except OSError:
                sha = None
        rows.append((batch_id, version, name, st.size, st.mtime_ns, sha, now))
    if rows:
        con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?)", rows)


def unchanged_since(con, batch_id: str, version: int, folder: Path) -> bool:
    """True when the folder's files are those recorded for `version` (same names and digests).

    A version recorded before fingerprints existed counts as changed (tried once more).
    """
    ensure_table(con)
    stored = {r[0]: r[1:] for r in con.execute(
        f"select file, size, mtime_ns, sha256 from {TABLE} where batch_id = ? and batch_version = ?",
        [batch_id, version]).fetchall()}
    if not stored:
        return False
    current = folder_stats(folder)
    if set(stored) != set(current):
        return False
    for name, (size, mtime_ns, sha) in stored.items():
        st = current[name]
        if (st.size, st.mtime_ns) == (size, mtime_ns):
            continue
        if sha is None or st.size != size:
            return False
        try:
            now_sha = digest(folder / name).sha256
        except OSError:
            return False
        if now_sha != sha:
            return False
        # touched, not changed: remember the new mtime so the next look is cheap again
        con.execute(f"update {TABLE} set mtime_ns = ? where batch_id = ? and batch_version = ? and file = ?",
                    [st.mtime_ns, batch_id, version, name])
    return True


def stored_stats(con, batch_id: str, version: int) -> tuple:
    """The signature recorded for a version (as :func:`signature` computes it), () when none."""
    try:
        rows = con.execute(
            f"select file, size, mtime_ns from {TABLE} where batch_id = ? and batch_version = ? order by file",
            [batch_id, version]).fetchall()
    except Exception:  # noqa: BLE001 - an older warehouse without the table
        return ()
    return tuple((f, int(s), int(m)) for f, s, m in rows)
