"""Resources: the warehouse being built (single writer) and dbt."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from dagster_dbt import DbtCliResource
from pydantic import PrivateAttr

from orchestration.project import dbt_project
from pension_risk import published
from pension_risk.childproc import dbt_executable

#: the Dagster concurrency pool of every asset that writes the warehouse; its limit (1) is in
#: orchestration/dagster_home/dagster.yaml (`concurrency: pools:`), enforced per run
WAREHOUSE_WRITER_POOL = "warehouse_writer"

#: the job whose runs execute every step in one process (orchestration/jobs.py): its
#: resource lives for the whole run, so it may delete its building file at the end
WHOLE_RUN_JOBS = {"nightly_screening_job"}


class WarehouseResource(ConfigurableResource):
    """Where the nightly job reads batches and publishes the warehouse.

    The run holds the writer lock `.NAME.lock` (pension_risk.published) for as long as
    the resource lives, builds its own `.NAME.<run id>.building` beside the published
    file, and publishes it atomically. Inside `pension-risk run` the lock is the
    command's own (taken before anything is touched); in Dagster the resource takes it.
    """

    landing_dir: str
    warehouse_path: str
    cases_path: str | None = None

    _lock: published.WriterLock | None = PrivateAttr(default=None)
    _owns_lock: bool = PrivateAttr(default=False)
    _whole_run: bool = PrivateAttr(default=False)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path).resolve()

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve()

    @property
    def lock(self) -> published.WriterLock:
        lock = self._lock or published.held(self.warehouse)
        if lock is None:
            raise published.WarehouseLocked(f"this run does not hold the writer lock of {self.warehouse}")
        return lock

    @property
    def run_id(self) -> str:
        return self.lock.run_id

    @property
    def building(self) -> Path:
        return self.lock.building

    @property
    def cases(self) -> Path:
        if self.cases_path:
            return Path(self.cases_path).resolve()
        from pension_risk.cases.store import default_store_path

        return default_store_path(self.warehouse)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        lock = published.held(self.warehouse)
        if lock is None:
            # a Dagster run (UI, schedule, sensor): the lock is taken here and named after the run;
            # steps of one run in separate processes (multiprocess executor) wait for each other
            lock = published.acquire(self.warehouse, run_id=context.run_id, same_run_wait=3600)
            for line in lock.messages:
                published.note(line)
                context.log.info(line)
            self._owns_lock = True
            self._whole_run = bool(context.dagster_run and context.dagster_run.job_name in WHOLE_RUN_JOBS)
        self._lock = lock
        # dbt opens the building file through a link whose path is the same every run, so dbt
        # parses the project only when it changed (pension_risk.published.dbt_path)
        os.environ["PENSION_RISK_DB"] = str(published.link_for_dbt(lock))
        os.environ[published.MEMORY_LIMIT_ENV] = published.memory_limit()  # dbt's cap is the run's cap

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        lock, self._lock = self._lock, None
        if lock is None or not self._owns_lock:
            return
        try:
            if self._whole_run:
                published.discard_building(lock)  # a failed run leaves nothing behind
        finally:
            published.release(lock)


class ScreeningDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt resource without its in-process dbt adapter.

    Before every dbt command dagster-dbt loads the profile, the project and its 642 macros in the
    run's own process (about 2 s, before dbt itself starts) for one purpose: the row counts and
    column metadata of `.fetch_row_counts()` / `.fetch_column_metadata()`, which this product does
    not ask for (its run log and marts.batch_audit count rows). dagster-dbt runs without the adapter
    when it cannot be made (adapter None); here it is not made at all.
    """

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - dagster-dbt's signature
        return None


def dbt_resource() -> DbtCliResource:
    """dbt, run as a child process that dies with the run (pension_risk.childproc)."""
    return ScreeningDbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def default_resources() -> dict:
    """Resources for `dagster dev`: paths from the environment (the demo by default)."""
    return {
        "warehouse": WarehouseResource(
            landing_dir=EnvVar(published.LANDING_ENV),
            warehouse_path=EnvVar(published.WAREHOUSE_ENV),
        ),
        "dbt": dbt_resource(),
    }
