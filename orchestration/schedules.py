"""Nightly schedule: 02:00 Asia/Shanghai, running as soon as the instance loads the code
(no switch to flip in the UI; stop it there if needed)."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import nightly_job

nightly_schedule = ScheduleDefinition(
    name="nightly_screening",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=DefaultScheduleStatus.RUNNING,
)
