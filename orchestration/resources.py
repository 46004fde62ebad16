"""Resources: the warehouse being built (single writer) and dbt."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from dagster_dbt import DbtCliResource
from pydantic import PrivateAttr

from orchestration.project import DBT_EXECUTABLE, dbt_project
from pension_risk.errors import PipelineError


class WarehouseResource(ConfigurableResource):
    """Where the nightly job reads batches and publishes the warehouse.

    The run builds a private copy (`.NAME.building` beside the published file) and
    publishes it atomically; a lock file keeps to one writer at a time.
    """

    landing_dir: str
    warehouse_path: str
    cases_path: str | None = None

    _lock_fd: int | None = PrivateAttr(default=None)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path).resolve()

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).resolve()

    @property
    def building(self) -> Path:
        return self.warehouse.with_name(f".{self.warehouse.name}.building")

    @property
    def cases(self) -> Path:
        if self.cases_path:
            return Path(self.cases_path).resolve()
        from pension_risk.cases.store import default_store_path

        return default_store_path(self.warehouse)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self.warehouse.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.warehouse.with_name(f".{self.warehouse.name}.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PipelineError(f"another run is writing {self.warehouse} (lock {lock_path})") from None
        self._lock_fd = fd
        os.environ["PENSION_RISK_DB"] = str(self.building)

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None


def default_resources() -> dict:
    """Resources for `dagster dev`: paths from the environment (the demo by default)."""
    return {
        "warehouse": WarehouseResource(
            landing_dir=EnvVar("PENSION_RISK_LANDING"),
            warehouse_path=EnvVar("PENSION_RISK_WAREHOUSE"),
        ),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    }
