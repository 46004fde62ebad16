"""`pension-risk run`: the nightly job in one process, the same asset graph as the Dagster UI.

With `DAGSTER_HOME` set to a directory holding a `dagster.yaml` (the instance `dagster dev`
uses), the run is recorded in that instance and appears in the Dagster UI's run list;
otherwise it runs in an ephemeral, in-memory instance.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pension_risk import progress, published
from pension_risk.errors import PensionRiskError, PipelineError


@dataclass
class RunResult:
    batches: list[dict] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)
    as_of: str | None = None
    run_id: str | None = None

    @property
    def rejected(self) -> list[dict]:
        return [b for b in self.batches if b["status"] in ("rejected", "rejected-before")]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_pipeline(landing: Path, warehouse: Path, cases: Path | None = None, quiet: bool = False) -> RunResult:
    """Ingest new batches, build every model, validate, publish `warehouse` atomically.

    Takes the warehouse's writer lock first (a second run fails at once, touching nothing),
    builds in this run's own building file and deletes only that file at the end.
    Raises PipelineError when nothing could be published (the previous file is untouched).
    """
    landing = Path(landing)
    if not landing.is_dir():
        raise PensionRiskError(f"landing directory not found: {landing}")
    warehouse = published.check_warehouse_path(Path(warehouse))
    say = (lambda _m: None) if quiet else _say
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    started = time.monotonic()
    lock = published.acquire(warehouse)  # WarehouseLocked: another run is writing; nothing touched
    try:
        unchanged = _nothing_new(landing, warehouse, cases)
    except BaseException:
        published.release(lock)
        raise
    if unchanged is not None:
        published.release(lock)
        for line in lock.messages:
            say(f"      {line}")
        for b in unchanged.batches:
            say(f"  batch {b['batch_id']} (version {b['version']}): {b['status']}"
                + (f" — {b['reason']}" if b.get("reason") else ""))
        say(f"nothing new since run {unchanged.run_id}: the batches of {landing}, the case store and the code "
            f"are those the published warehouse was built from; {warehouse} left as it is "
            f"({time.monotonic() - started:.1f}s, {sum(unchanged.flags.values())} flags, as_of {unchanged.as_of})")
        return unchanged
    try:
        say("[1/4] preparing the dbt project")
        from orchestration.project import ensure_manifest

        ensure_manifest()
        from dagster import materialize

        from orchestration.definitions import ASSETS
        from orchestration.resources import WarehouseResource, dbt_resource
    except BaseException:
        published.release(lock)
        raise

    for name in ("dagster", "dagster_dbt"):
        logging.getLogger(name).setLevel(logging.WARNING)
    result = None
    run = RunResult(run_id=lock.run_id)
    failure = None
    log_path = warehouse.with_name(warehouse.name + ".run.log")
    try:
        with _terminate_as_interrupt():
            resource = WarehouseResource(
                landing_dir=str(landing), warehouse_path=str(warehouse), cases_path=str(cases) if cases else None
            )
            say(f"[2/4] run {lock.run_id}: ingesting {landing} -> building {lock.building.name}")
            say(f"      (dbt and Dagster output: {log_path})")
            for line in lock.messages[1:]:
                say(f"      {line}")
            progress.reset()
            # quiet: nothing on the terminal, the same progress lines in the run log
            reporter = progress.Reporter(log=published.note, stream=io.StringIO() if quiet else None)
            with dagster_instance() as instance, log_path.open("w") as log_file, \
                    contextlib.redirect_stdout(log_file), reporter:
                for line in lock.messages:
                    published.note(line)
                _fail_dead_cli_runs(instance, warehouse)
                result = materialize(
                    ASSETS,
                    resources={"warehouse": resource, "dbt": dbt_resource()},
                    instance=instance,
                    raise_on_error=False,
                    tags={"pension_risk/command": "run", "pension_risk/run_id": lock.run_id,
                          "pension_risk/warehouse": str(warehouse)},
                    run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
                )
                for event in result.get_asset_materialization_events():
                    mat = event.event_specific_data.materialization
                    if mat.asset_key.path == ["landing", "batches"] and "batches" in mat.metadata:
                        run.batches = list(mat.metadata["batches"].value)
                    if mat.asset_key.path == ["quality", "batch_gate"]:
                        gate_rejected = {(r["batch_id"], r["version"]): r["reason"]
                                         for r in mat.metadata["rejected"].value}
                        for b in run.batches:
                            if (b["batch_id"], b["version"]) in gate_rejected:
                                b.update(status="rejected", reason=gate_rejected[(b["batch_id"], b["version"])])
                    if mat.asset_key.path == ["published_warehouse"]:
                        run.flags = dict(mat.metadata["flags"].value)
                        run.as_of = mat.metadata["as_of"].value
                published_now = any(e.event_specific_data.materialization.asset_key.path == ["published_warehouse"]
                                    for e in result.get_asset_materialization_events())
                if not result.success or not published_now:
                    failure = _failure_message(result)
                published.note("run failed: " + failure if failure else "run finished")
    finally:
        published.discard_building(lock)  # this run's own file only; a published one is gone already
        published.release(lock)
    for b in run.batches:
        line = f"  batch {b['batch_id']} (version {b['version']}): {b['status']}"
        if b["status"] == "accepted":
            line += f", {b['rows']} rows"
        if b.get("reason"):
            line += f" — {b['reason']}"
        say(line)
    if failure:
        raise PipelineError(f"nothing published, {warehouse} is untouched: {failure}")
    say(f"[3/4] built and validated the models; as_of {run.as_of}")
    total = sum(run.flags.values())
    say(f"[4/4] published {warehouse} in {time.monotonic() - started:.0f}s: {total} flags "
        + ", ".join(f"{k} {v}" for k, v in sorted(run.flags.items())))
    if run.rejected:
        say(f"warning: {len(run.rejected)} batch(es) rejected; see marts.batch_audit")
    return run


def _nothing_new(landing: Path, warehouse: Path, cases: Path | None) -> RunResult | None:
    """The published warehouse's result when its inputs are this run's (pension_risk.run_inputs), else None.

    Called with the writer lock held. Reports each landing batch as the published file knows it:
    accepted ones "skipped", a batch whose newest version was rejected "rejected-before" (so the
    exit code says the same as a full run would).
    """
    import duckdb

    from pension_risk import run_inputs
    from pension_risk.ingest.discovery import discover_batches
    from pension_risk.ingest.loader import rejected_before_reason

    if not run_inputs.unchanged(landing, warehouse, cases):
        return None
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        info = con.execute(f"select run_id, as_of from {published.PUBLISH_INFO}").fetchone()
        flags = con.execute("select rule_code, count(*) from marts.risk_flags group by 1 order by 1").fetchall()
        newest = {r[0]: r[1:] for r in con.execute(
            "select batch_id, batch_version, status, reason from raw.batches "
            "qualify row_number() over (partition by batch_id order by batch_version desc) = 1").fetchall()}
    finally:
        con.close()
    run = RunResult(run_id=info[0] if info else None, as_of=str(info[1]) if info and info[1] else None,
                    flags={code: n for code, n in flags})
    for folder in discover_batches(landing):
        version, status, reason = newest.get(folder.batch_id, (None, None, None))
        if status is None:
            return None  # a batch the published file does not know: not a no-op after all
        if status == "rejected":
            run.batches.append({"batch_id": folder.batch_id, "version": version, "status": "rejected-before",
                                "reason": rejected_before_reason(version, reason)})
        else:
            run.batches.append({"batch_id": folder.batch_id, "version": version, "status": "skipped",
                                "reason": None})
    return run


def dagster_instance():
    """The instance of `DAGSTER_HOME` when it is a directory with a dagster.yaml, else an ephemeral one."""
    from dagster import DagsterInstance

    home = os.environ.get("DAGSTER_HOME")
    if home:
        path = Path(home).expanduser()
        if (path / "dagster.yaml").is_file():
            return DagsterInstance.get() if path.is_absolute() else DagsterInstance.from_config(str(path.resolve()))
    return DagsterInstance.ephemeral()


def _fail_dead_cli_runs(instance, warehouse: Path) -> None:
    """Mark failed the runs of `pension-risk run` on this warehouse the instance still shows as active.

    Called with the writer lock held, so no other run on this warehouse is alive: such a run's
    process was killed (kill -9, power loss) before it could record its end. Left active, it
    would also hold the `warehouse_writer` pool and keep Dagster's queued runs waiting.
    """
    if instance.is_ephemeral:
        return
    from dagster import DagsterRunStatus, RunsFilter

    active = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED,
              DagsterRunStatus.CANCELING]
    try:
        runs = instance.get_runs(RunsFilter(statuses=active, tags={
            "pension_risk/command": "run", "pension_risk/warehouse": str(warehouse)}))
        for dead in runs:
            instance.report_run_failed(dead, f"pension-risk run {dead.tags.get('pension_risk/run_id', '')} ended "
                                             "without recording its end (its process was killed); marked failed "
                                             "by the next run on the same warehouse")
            published.note(f"marked the dead Dagster run {dead.run_id} failed")
    except Exception as exc:  # bookkeeping of the instance only: never a reason to stop the run
        published.note(f"could not check the Dagster instance for dead runs: {exc}")


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM (systemd stop, `kill`) ends the run like Ctrl-C: dbt is stopped, this run's files removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handler(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _failure_message(result) -> str:
    """The first meaningful failure of a Dagster run, as one line."""
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if not data.passed and getattr(data.severity, "value", "ERROR") == "ERROR":
                return f"check {data.check_name} failed: {data.description}"
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            data = event.event_specific_data
            if data.user_failure_data and data.user_failure_data.description:
                return f"{event.step_key}: {data.user_failure_data.description}"
            err = data.error
            text = "step failed"
            while err is not None:
                if err.message and err.message.strip():
                    text = err.message.strip().splitlines()[0]
                err = err.cause
            return f"{event.step_key}: {text}"
    return "the run failed"
