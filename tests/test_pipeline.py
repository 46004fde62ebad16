"""The nightly job end to end on the contract's example: publish, idempotence, exit codes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pension_risk.cli import main
from tests.landing_helpers import EXAMPLE, copy_landing

pytestmark = pytest.mark.slow


def _q(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_published_warehouse_is_owner_and_group_only(example_warehouse):
    import stat

    assert stat.S_IMODE(example_warehouse.stat().st_mode) == 0o640   # umask 022 would give 0644


def test_staged_rows_equal_manifest_rows_minus_exceptions(example_warehouse):
    audit = _q(example_warehouse, "select file, status, manifest_rows, staged_rows, exception_rows "
                                  "from marts.batch_audit where batch_id = '20210531' order by file")
    assert len(audit) == 16 and {a[1] for a in audit} == {"accepted"}
    for file, _status, manifest_rows, staged, exceptions in audit:
        assert manifest_rows == staged + exceptions, file
        stem = file.rsplit(".", 1)[0]
        n = _q(example_warehouse, f"select count(*) from staging.stg_landing__{stem} where _batch_id = '20210531'")
        assert n[0][0] == staged, file
    assert dict((a[0], a[2]) for a in audit)["operations.csv"] == 39548


def test_orphan_payout_is_reported_not_dropped(example_warehouse):
    rows = _q(example_warehouse, "select reason from marts.data_quality_exceptions "
                                 "where key = 'PO202011099999101' and staged order by reason")
    assert [r[0].split(":")[0] for r in rows] == [
        "account_no account absent from bank_accounts", "benefit_id unknown benefit", "person_id unknown person"]


def _dbt_invocation_dirs() -> set[Path]:
    from orchestration.project import dbt_project

    target = Path(dbt_project.project_dir) / "target"
    return {p for p in target.iterdir() if p.is_dir()} if target.is_dir() else set()


def test_run_again_changes_nothing_and_rejected_batch_gives_exit_3(tmp_path, capsys):
    landing = copy_landing(EXAMPLE, tmp_path / "landing")
    warehouse = tmp_path / "w.duckdb"
    dirs_before = _dbt_invocation_dirs()
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    flags = _q(warehouse, "select flag_id, amount, first_seen_batch from marts.risk_flags order by 1")
    assert len(flags) > 20
    published = (warehouse.stat().st_ino, _q(warehouse, "select run_id from marts.publish_info"))
    capsys.readouterr()
    # nothing new: the published file is left as it is (same file, same publishing run), in seconds
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    assert "nothing new since run" in capsys.readouterr().err
    assert (warehouse.stat().st_ino, _q(warehouse, "select run_id from marts.publish_info")) == published
    assert _q(warehouse, "select flag_id, amount, first_seen_batch from marts.risk_flags order by 1") == flags
    assert _q(warehouse, "select count(*) from marts.batch_audit") == [(32,)]

    # a third batch that fails its checksum: published with exit 3, the rejection audited
    bad = landing / "20210731"
    bad.mkdir()
    for f in (landing / "20210630").iterdir():
        (bad / f.name).write_bytes(f.read_bytes())
    (bad / "manifest.json").write_text(
        (landing / "20210630" / "manifest.json").read_text(encoding="utf-8")
        .replace('"20210630"', '"20210731"').replace("2021-06-30", "2021-07-31"), encoding="utf-8")
    (bad / "cards.csv").write_bytes((bad / "cards.csv").read_bytes().replace(b",1,", b",2,", 1))
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 3
    err = capsys.readouterr().err
    assert "20210731/cards.csv rejected: sha256 mismatch" in err
    audit = _q(warehouse, "select status, reason from marts.batch_audit where batch_id = '20210731' "
                          "and file = 'cards.csv'")
    assert audit[0][0] == "rejected" and "sha256 mismatch" in audit[0][1]
    assert _q(warehouse, "select batch_id from intermediate.int_as_of") == [("20210630",)]
    assert _q(warehouse, "select flag_id, amount, first_seen_batch from marts.risk_flags order by 1") == flags
    # again with nothing new: still exit 3, the batch reported as rejected before, nothing rebuilt
    published = (warehouse.stat().st_ino, _q(warehouse, "select run_id from marts.publish_info"))
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 3
    err = capsys.readouterr().err
    assert "batch 20210731 (version 1): rejected-before" in err and "nothing new since run" in err
    assert (warehouse.stat().st_ino, _q(warehouse, "select run_id from marts.publish_info")) == published
    # the dbt invocations of these runs (staging, one replay, marts; staging, marts) left no directory behind
    assert _dbt_invocation_dirs() - dirs_before == set()


def test_failed_run_leaves_the_published_file_untouched(tmp_path, capsys):
    landing = copy_landing(EXAMPLE, tmp_path / "landing")
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_bytes(b"not a duckdb file, but it is what readers have now")
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "nothing published" in err and "Traceback" not in err
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob(".w.duckdb*.building*"))  # the run removed its own building file


def test_warehouse_in_a_missing_directory_is_one_clear_line(tmp_path, capsys):
    landing = copy_landing(EXAMPLE, tmp_path / "landing")
    target = tmp_path / "missing" / "dir" / "w.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"pension-risk run: error: warehouse directory not found: {target.parent} (create it first)"
    assert not (tmp_path / "missing").exists()


def test_missing_landing_directory_is_one_clear_line(tmp_path, capsys):
    assert main(["run", "--landing", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"pension-risk run: error: landing directory not found: {tmp_path / 'nope'}"


def test_dagster_definitions_load():
    from orchestration.definitions import defs

    repo = defs.get_repository_def()
    assert repo.get_job("nightly_screening_job")
    schedule = repo.get_schedule_def("nightly_screening")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert repo.get_sensor_def("landing_sensor")
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert {"landing/payouts", "staging/stg_landing__payouts", "marts/risk_flags", "published_warehouse"} <= keys
    checks = {k.name for k in repo.asset_graph.asset_check_keys}
    assert "no_blocking_failure" in checks  # the quality gate (orchestration/assets/quality.py)


def test_memory_cap_is_one_figure_for_the_run_and_dbt(tmp_path, monkeypatch):
    """dbt's profile reads the pipeline's cap with the same default; a writer connection applies it."""
    import re

    import yaml

    from pension_risk import published

    profile = yaml.safe_load((Path(__file__).parents[1] / "dbt_project" / "profiles.yml").read_text())
    setting = profile["pension_risk"]["outputs"]["duckdb"]["settings"]["memory_limit"]
    assert re.fullmatch(r"\{\{ env_var\('(\w+)', '([^']+)'\) \}\}", setting).groups() == (
        published.MEMORY_LIMIT_ENV, published.DEFAULT_MEMORY_LIMIT)
    # and checkpoints as seldom as the pipeline's own writer connections
    assert profile["pension_risk"]["outputs"]["duckdb"]["settings"]["checkpoint_threshold"] == (
        published.CHECKPOINT_THRESHOLD)
    monkeypatch.setenv(published.MEMORY_LIMIT_ENV, "300MB")
    con = published.connect_building(tmp_path / "w.duckdb")
    try:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"
        assert con.execute("select current_setting('checkpoint_threshold')").fetchone()[0] == "14.9 GiB"
    finally:
        con.close()


def _dbt(executable: list[str], args: list[str], db: Path, target: Path) -> str:
    """One dbt command on the project with the building file at `db`; its debug log."""
    import os
    import subprocess

    project = Path(__file__).parents[1] / "dbt_project"
    env = {**os.environ, "PENSION_RISK_DB": str(db)}
    env.pop("PENSION_RISK_PARENT_PID", None)
    env.pop("DBT_SEND_ANONYMOUS_USAGE_STATS", None)
    proc = subprocess.run([*executable, *args, "--project-dir", str(project), "--profiles-dir", str(project),
                           "--target-path", str(target), "--log-level", "debug", "--log-format", "text"],
                          capture_output=True, text=True, env=env, cwd=project, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def test_dbt_parses_once_for_any_warehouse_path_and_sends_nothing(tmp_path):
    """A run into a warehouse in another directory reuses the parse (pension_risk.childproc.
    parse_once_per_project); plain dbt re-parses the whole project there. No dbt run sends usage
    events (dbt_project.yml flags)."""
    import sys

    from pension_risk.childproc import dbt_executable

    child = [dbt_executable()]  # the dbt the runs start (on this interpreter)
    plain = [str(Path(sys.executable).with_name("dbt"))]
    ls = ["ls", "--select", "rule_catalogue", "--resource-type", "seed"]
    first = _dbt(child, ["parse"], tmp_path / "a" / ".warehouse.duckdb.dbt.building", tmp_path / "t")
    assert "Sending event" not in first
    # the same database name (`warehouse`) in another directory: no parse
    other = _dbt(child, ls, tmp_path / "b" / ".warehouse.duckdb.dbt.building", tmp_path / "t")
    assert "Partial parsing enabled, no changes found, skipping parsing" in other
    assert "profile has changed" not in other and "Sending event" not in other
    # plain dbt hashes the path: the same command parses the whole project again
    assert "profile has changed" in _dbt(plain, ls, tmp_path / "c" / ".warehouse.duckdb.dbt.building",
                                         tmp_path / "t")
    # another database name is another parse (the compiled relations name it)
    renamed = _dbt(child, ls, tmp_path / "b" / ".other.duckdb.dbt.building", tmp_path / "t")
    assert "profile has changed" in renamed
    # the parse reads the path only through the database name
    project = Path(__file__).parents[1] / "dbt_project"
    assert [p for p in [*project.rglob("*.sql"), *project.rglob("*.yml")]
            if "target" not in p.relative_to(project).parts[:1] and "target.path" in p.read_text()] == []
