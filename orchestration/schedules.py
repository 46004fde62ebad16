"""Nightly schedule: 02:00 Asia/Shanghai, running as soon as the instance loads the code
(no switch to flip in the UI; stop it there if needed).

A night with nothing new (the same batch folders, case store and code as the published
warehouse was built from: pension_risk.run_inputs) starts no run; the tick says why.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, SkipReason, schedule

from orchestration.jobs import nightly_job
from pension_risk import run_inputs
from pension_risk.published import LANDING_ENV, WAREHOUSE_ENV


@schedule(
    name="nightly_screening",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
)
def nightly_schedule(context: ScheduleEvaluationContext):
    """A run, unless the published warehouse already holds everything (paths as the job's resources)."""
    landing, warehouse = os.environ.get(LANDING_ENV), os.environ.get(WAREHOUSE_ENV)
    if landing and warehouse and run_inputs.unchanged(Path(landing), Path(warehouse)):
        return SkipReason(f"nothing new since the run that published {warehouse}: "
                          "the same batches, case store and code")
    return RunRequest()
