"""What a run's result depends on, so a run with nothing new publishes nothing (issue 9).

A published warehouse is a function of (1) the batch folders of the landing directory,
(2) the case store's records and checklist answers, (3) the code: the dbt project, the
seeds, the quality thresholds and the Python that runs them. Their fingerprint is taken at
the start of a run (before anything is ingested: a batch arriving during the run makes the
next run differ) and stored in the published file (`raw.run_inputs`). `pension-risk run`
compares it first: equal -> the published file already is what the run would build, and the
run ends in seconds without copying or rebuilding anything.

Cheap by design: batch folders by names, sizes and mtimes (ingest/fingerprint.signature; a
touched file makes the next run a real one, never a wrong no-op), the case store by the
content of its two tables, the code by the bytes of its files (a few hundred small files).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

TABLE = "raw.run_inputs"

#: the repository's top level (the package is installed editable: src/pension_risk/...)
ROOT = Path(__file__).resolve().parents[2]
#: code and configuration the warehouse is built from: (directory, file suffixes)
CODE = [
    ("dbt_project", (".sql", ".yml", ".yaml", ".md", ".csv")),
    ("seeds", (".csv", ".yml")),
    ("expectations", (".py", ".yml")),
    ("orchestration", (".py", ".yaml")),
    ("src/pension_risk", (".py", ".sql", ".yml")),
]
#: generated files inside those directories: not inputs
_SKIP_PARTS = {"target", "dbt_packages", "logs", "__pycache__", "dagster_home"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files_digest(paths, root: Path, h=None):
    """sha256 over files' paths (relative to `root`) and contents, in path order."""
    h = h or hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(root)).encode() + b"\0" + _sha(path.read_bytes()).encode())
    return h


def code_digest() -> str:
    from expectations.batch import config_path

    h = hashlib.sha256()
    for top, suffixes in CODE:
        files = []
        for folder, dirs, names in os.walk(ROOT / top):
            dirs[:] = [d for d in dirs if d not in _SKIP_PARTS and not d.startswith(".")]
            files += [Path(folder, n) for n in names if Path(n).suffix in suffixes]
        files_digest(files, ROOT, h)
    cfg = config_path()
    h.update(b"quality-config\0" + (_sha(cfg.read_bytes()).encode() if cfg.is_file() else b"missing"))
    return h.hexdigest()


def landing_signature(landing: Path) -> list:
    from pension_risk.ingest.discovery import discover_batches
    from pension_risk.ingest.fingerprint import signature

    return [[b.batch_id, [list(s) for s in signature(b.path)]] for b in discover_batches(landing)]


def cases_digest(store: Path | None) -> str:
    """Content of the case store's cases and checklist answers (not its audit log: viewing is not a change)."""
    if store is None or not Path(store).is_file():
        return "no case store"
    h = hashlib.sha256()
    con = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        for table in ("cases", "checklist_answers"):
            try:
                rows = con.execute(f"select * from {table} order by 1, 2").fetchall()
            except sqlite3.Error:
                rows = []
            h.update(table.encode() + json.dumps(rows, default=str, ensure_ascii=False).encode())
    finally:
        con.close()
    return h.hexdigest()


def fingerprint(landing: Path, cases: Path | None) -> str:
    """One digest of everything the published warehouse is built from."""
    doc = {
        "landing": str(Path(landing).resolve()),
        "batches": landing_signature(Path(landing)),
        "cases": cases_digest(cases),
        "code": code_digest(),
    }
    return _sha(json.dumps(doc, sort_keys=True).encode())


def record(con, digest: str, run_id: str) -> None:
    """Store the fingerprint this run started from in the building file (published with it)."""
    con.execute("create schema if not exists raw")
    con.execute(f"create or replace table {TABLE} (fingerprint varchar, run_id varchar, recorded_at timestamp)")
    con.execute(f"insert into {TABLE} values (?, ?, current_timestamp)", [digest, run_id])
    con.execute(f"comment on table {TABLE} is 'Fingerprint of the landing batches, the case store and the code "
                "this warehouse was built from: a run whose inputs match it has nothing new to publish.'")


def stored(warehouse: Path) -> str | None:
    """The fingerprint recorded in the published warehouse, None when there is none (or no file)."""
    import duckdb

    if not Path(warehouse).is_file():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(f"select fingerprint from {TABLE}").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return row[0] if row else None


def unchanged(landing: Path, warehouse: Path, cases: Path | None = None) -> bool:
    """True when the published `warehouse` was built from exactly these inputs (nothing new to run).

    False when there is no fingerprint, or a WAL beside the file (a crashed read-write session:
    a real run removes it and publishes a clean file). `cases` defaults to the store beside the file.
    """
    from pension_risk import published
    from pension_risk.cases.store import default_store_path

    warehouse = Path(warehouse).resolve()
    if published.wal_of(warehouse).exists():
        return False
    recorded = stored(warehouse)
    if recorded is None:
        return False
    store = Path(cases).resolve() if cases else default_store_path(warehouse)
    return fingerprint(landing, store) == recorded
