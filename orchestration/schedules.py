"""Nightly schedule: 02:00 Asia/Shanghai."""

from dagster import ScheduleDefinition

from orchestration.jobs import nightly_job

nightly_schedule = ScheduleDefinition(
    name="nightly_screening",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
)
