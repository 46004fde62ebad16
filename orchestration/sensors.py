"""Sensor on the landing directory: a run when a batch arrives that was not ingested yet."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
from dagster import RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.jobs import nightly_job
from pension_risk.ingest.discovery import discover_batches


def pending_batches(landing: Path, warehouse: Path) -> list[tuple[str, str]]:
    """(batch_id, manifest sha256) of batch folders whose manifest version is not in the warehouse yet."""
    seen: set[tuple[str, str]] = set()
    if warehouse.exists():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            seen = {(b, s) for b, s in con.execute("select batch_id, manifest_sha256 from raw.batches").fetchall()}
        except duckdb.Error:
            seen = set()
        finally:
            con.close()
    pending = []
    for folder in discover_batches(landing):
        manifest = folder.path / "manifest.json"
        if not manifest.is_file():
            continue
        sha = hashlib.sha256(manifest.read_bytes()).hexdigest()
        if (folder.batch_id, sha) not in seen:
            pending.append((folder.batch_id, sha))
    return pending


@sensor(job=nightly_job, minimum_interval_seconds=300)
def landing_sensor(context: SensorEvaluationContext):
    landing = Path(os.environ.get("PENSION_RISK_LANDING", "demo/landing"))
    warehouse = Path(os.environ.get("PENSION_RISK_WAREHOUSE", "demo/warehouse.duckdb"))
    if not landing.is_dir():
        return SkipReason(f"landing directory {landing} not found")
    pending = pending_batches(landing, warehouse)
    if not pending:
        return SkipReason("no new batch")
    key = hashlib.sha256(repr(pending).encode()).hexdigest()[:16]
    return RunRequest(run_key=key, tags={"batches": ",".join(b for b, _ in pending)})
