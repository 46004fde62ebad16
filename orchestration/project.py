"""The dbt project as Dagster sees it, and its manifest (prepared at build time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from pension_risk.errors import PipelineError

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = REPO_ROOT / "seeds"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _newest_source_mtime() -> float:
    newest = (DBT_PROJECT_DIR / "dbt_project.yml").stat().st_mtime
    for folder in (DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros", DBT_PROJECT_DIR / "tests", SEEDS_DIR):
        for path in folder.rglob("*"):
            if path.is_file():
                newest = max(newest, path.stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than the sources.

    The set-up command prepares it once; this keeps a developer's edits picked up.
    """
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime():
        return manifest
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "PENSION_RISK_DB": os.environ.get("PENSION_RISK_DB", ":memory:")}
    proc = subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        capture_output=True, text=True, env=env, cwd=DBT_PROJECT_DIR,
    )
    if proc.returncode != 0:
        raise PipelineError("dbt parse failed: " + (proc.stdout + proc.stderr).strip().replace("\n", " | ")[-2000:])
    return manifest


# dbt as installed beside this Python (works without activating the virtual environment)
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
