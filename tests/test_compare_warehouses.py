"""scripts/compare_warehouses.py: how a change to the models is shown to keep their results."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_names_the_table_and_the_rows_that_differ(example_warehouse, tmp_path):
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(example_warehouse, changed)
    con = duckdb.connect(str(changed))
    con.execute("delete from marts.risk_flags where flag_id = (select min(flag_id) from marts.risk_flags)")
    con.execute("update marts.publish_info set published_at = published_at + interval 1 day, pid = pid + 1")
    con.close()
    script = [sys.executable, str(REPO / "scripts" / "compare_warehouses.py")]

    same = subprocess.run([*script, str(example_warehouse), str(example_warehouse)], capture_output=True, text=True)
    assert same.returncode == 0 and same.stdout.endswith("tables compared, 0 differ\n")

    # the run's time and process are not what a table holds; a missing flag is
    differ = subprocess.run([*script, str(example_warehouse), str(changed)], capture_output=True, text=True)
    assert differ.returncode == 1
    assert differ.stdout.splitlines()[1:] == ["marts.risk_flags: 1 rows only in A, 0 only in B"]
