"""Sensor on the landing directory: a run when a batch is new (or a rejected one changed),
once the batch has stopped changing for a quiet period.

A batch is *pending* when its manifest version was never ingested, or when it was
rejected and its files changed since (pension_risk.ingest.fingerprint). A pending
batch is *ready* once its names, sizes and mtimes are the same as at the previous
evaluation and nothing in the folder changed (mtime or ctime) for
`PENSION_RISK_QUIET_SECONDS` (default 300 s): a batch still being copied waits.

The sensor runs as soon as the instance loads the code (default status RUNNING).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.jobs import nightly_job
from pension_risk import published
from pension_risk.ingest import fingerprint
from pension_risk.ingest.discovery import discover_batches

DEFAULT_QUIET_SECONDS = 300.0


def quiet_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("PENSION_RISK_QUIET_SECONDS", DEFAULT_QUIET_SECONDS)))
    except ValueError:
        return DEFAULT_QUIET_SECONDS


def _known_versions(warehouse: Path) -> tuple[dict, dict]:
    """From the published file: {(batch_id, sha): [(version, status)]} and {(batch_id, version): stats}."""
    versions: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    stats: dict[tuple[str, int], tuple] = {}
    if not warehouse.exists():
        return versions, stats
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return versions, stats
    try:
        for b, v, s, status in con.execute(
                "select batch_id, batch_version, manifest_sha256, status from raw.batches").fetchall():
            versions.setdefault((b, s), []).append((v, status))
        for (b, _s), vs in versions.items():
            for v, status in vs:
                if status == "rejected":
                    stats[(b, v)] = fingerprint.stored_stats(con, b, v)
    except duckdb.Error:
        pass
    finally:
        con.close()
    return versions, stats


def pending_batches(landing: Path, warehouse: Path) -> list[tuple[str, str | None]]:
    """(batch_id, manifest sha256) of batch folders a run would ingest or try again."""
    versions, stats = _known_versions(warehouse)
    pending = []
    for folder in discover_batches(landing):
        manifest = folder.path / "manifest.json"
        try:
            sha = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None
        except OSError:
            sha = None
        known = versions.get((folder.batch_id, sha), [])
        if any(status in ("accepted", "superseded") for _v, status in known):
            continue
        rejected = [v for v, status in known if status == "rejected"]
        if rejected and any(stats.get((folder.batch_id, v)) == fingerprint.signature(folder.path) for v in rejected):
            continue  # rejected, and its files have not changed since
        if sha is None and not any(folder.path.iterdir()):
            continue  # an empty folder: nothing delivered yet
        pending.append((folder.batch_id, sha))
    return pending


@dataclass
class Readiness:
    ready: list[tuple[str, str | None]]
    waiting: list[str]            # "batch_id (why)"
    state: dict[str, str]         # batch_id -> signature digest, for the next evaluation


def evaluate(landing: Path, warehouse: Path, previous: dict[str, str] | None = None,
             now: float | None = None, quiet: float | None = None) -> Readiness:
    """Which pending batches are ready (stable for the quiet period), which still change."""
    now = time.time() if now is None else now
    quiet = quiet_seconds() if quiet is None else quiet
    previous = previous or {}
    ready, waiting, state = [], [], {}
    for batch_id, sha in pending_batches(landing, warehouse):
        folder = landing / batch_id
        sig = hashlib.sha256(repr(fingerprint.signature(folder)).encode()).hexdigest()[:16]
        state[batch_id] = sig
        age = now - fingerprint.last_change(folder)
        if previous.get(batch_id) != sig:
            waiting.append(f"{batch_id} (changed since the last look)")
        elif age < quiet:
            waiting.append(f"{batch_id} (last change {age:.0f}s ago, quiet period {quiet:.0f}s)")
        else:
            ready.append((batch_id, sha))
    return Readiness(ready, waiting, state)


@sensor(job=nightly_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.RUNNING)
def landing_sensor(context: SensorEvaluationContext):
    landing, warehouse = published.default_landing(), published.default_warehouse()
    if not landing.is_dir():
        return SkipReason(f"landing directory {landing} not found")
    try:
        previous = json.loads(context.cursor) if context.cursor else {}
    except ValueError:
        previous = {}
    result = evaluate(landing, warehouse, previous)
    context.update_cursor(json.dumps(result.state, sort_keys=True))
    if not result.ready:
        return SkipReason("waiting for " + ", ".join(result.waiting) if result.waiting else "no new batch")
    key = hashlib.sha256(repr([(b, s, result.state[b]) for b, s in result.ready]).encode()).hexdigest()[:16]
    return RunRequest(run_key=key, tags={"batches": ",".join(b for b, _ in result.ready)})
