"""dbt unit tests of the rule logic (tiny hand-written inputs, in the models' yml files)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(example_warehouse, tmp_path):
    db = tmp_path / "unit.duckdb"
    shutil.copyfile(example_warehouse, db)
    target = tmp_path / "target"
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "test", "--select", "test_type:unit",
         "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--target-path", str(target)],
        capture_output=True, text=True, env={**os.environ, "PENSION_RISK_DB": str(db)}, cwd=DBT_DIR,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert proc.returncode == 0 and not failed, f"{failed}\n{proc.stdout[-3000:]}"
    assert len(results) >= 29  # at least one unit test per rule
