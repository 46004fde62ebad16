"""Shared fixtures: the contract's example landing directory and a warehouse built from it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.landing_helpers import EXAMPLE, copy_landing

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture
def example_landing(tmp_path: Path) -> Path:
    """A writable copy of ../shared/contract/example (2 batches)."""
    return copy_landing(EXAMPLE, tmp_path / "landing")


@pytest.fixture(scope="session")
def example_warehouse(tmp_path_factory) -> Path:
    """The example landing directory run once through the whole pipeline (shared, read-only use)."""
    from pension_risk.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("example_wh")
    landing = copy_landing(EXAMPLE, root / "landing")
    warehouse = root / "warehouse.duckdb"
    run_pipeline(landing, warehouse, quiet=True)
    return warehouse
