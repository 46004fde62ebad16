"""Dagster definitions of the nightly screening job (assets, checks, schedule, sensor)."""
