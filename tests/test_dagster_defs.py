"""The Dagster definitions as their users expect them (issue 11, item 5).

Schedule and sensor running on a fresh instance; assets grouped by layer; readable check
names for the dbt tests; the warehouse writer as a Dagster pool of limit 1; `pension-risk
run` recorded in the instance of DAGSTER_HOME when one is configured.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DAGSTER_YAML = REPO / "orchestration" / "dagster_home" / "dagster.yaml"
LAYERS = {"landing", "staging", "intermediate", "marts", "reference", "publish", "quality"}


@pytest.fixture(scope="module")
def repo():
    from orchestration.definitions import defs

    return defs.get_repository_def()


def _check_specs(repo):
    graph = repo.asset_graph
    return {key: graph.get_check_spec(key) for key in graph.asset_check_keys}


def test_schedule_and_sensor_run_by_default(repo):
    from dagster import DefaultScheduleStatus, DefaultSensorStatus

    assert repo.get_schedule_def("nightly_screening").default_status == DefaultScheduleStatus.RUNNING
    assert repo.get_sensor_def("landing_sensor").default_status == DefaultSensorStatus.RUNNING


def test_assets_are_grouped_by_layer(repo):
    graph = repo.asset_graph
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert "default" not in groups.values()
    assert set(groups.values()) == LAYERS
    assert groups["landing/payouts"] == groups["cases/case_records"] == "landing"
    assert groups["staging/stg_landing__payouts"] == "staging"
    assert groups["intermediate/int_payouts_screened"] == "intermediate"
    assert groups["marts/risk_flags"] == groups["marts/case_ledger"] == "marts"
    assert groups["reference/rule_catalogue"] == "reference"
    assert groups["quality/batch_gate"] == "quality"
    assert groups["published_warehouse"] == "publish"
    # every dbt model sits in the group of its schema (the first part of its key)
    for key, group in groups.items():
        schema = key.split("/")[0]
        if schema in {"staging", "intermediate", "marts", "reference"}:
            assert group == schema, key


def test_kept_tables_depend_on_what_they_read_only(repo):
    """A table kept from the previous build (macros/current_state.sql) names, beyond its SQL's
    own refs, only the models it reads when it builds on the previous build: the kept operations
    and certifications read no payouts, persons or benefits; the screened payouts and the month
    totals look the replaced payouts up in the three staged files."""
    graph = repo.asset_graph

    def upstream(model):
        key = next(k for k in graph.get_all_asset_keys() if k.to_user_string() == f"intermediate/{model}")
        parents = (parent.to_user_string() for parent in graph.get(key).parent_keys)
        return sorted(p for p in parents if p != "quality/batch_gate")  # every screening model waits for the gate

    assert upstream("int_operations_current") == ["intermediate/int_batches_usable",
                                                  "staging/stg_landing__operations"]
    assert upstream("int_certifications_current") == ["intermediate/int_batches_usable",
                                                      "staging/stg_landing__certifications"]
    month_totals = upstream("int_person_month_totals")
    assert month_totals == ["intermediate/int_batches_usable", "intermediate/int_payouts_screened",
                            "staging/stg_landing__benefits", "staging/stg_landing__payouts",
                            "staging/stg_landing__persons"]


def test_dbt_test_checks_have_readable_names(repo):
    specs = _check_specs(repo)
    names = {(key.asset_key.to_user_string(), key.name) for key in specs}
    unreadable = sorted(n for _a, n in names if re.search(r"_{3,}", n) or n.endswith("_") or not n)
    assert not unreadable, unreadable[:5]
    for expected in [
        ("marts/case_ledger", "accepted_values__conclusion"),
        ("marts/case_ledger", "unique__case_id"),
        ("marts/flag_first_seen", "not_null__flag_id"),
        ("marts/risk_flags", "relationships__rule_code"),
        ("marts/rule_outcomes", "unique_combination__rule_code__agency_code"),
        ("staging/stg_landing__user_roles", "unique_per_batch__user_id__role_code__granted_on"),
        ("reference/work_calendar", "accepted_values__day_type"),
        ("quality/batch_gate", "no_blocking_failure"),
    ]:
        assert expected in names, expected
    # a dbt test's check names the test as dbt knows it, to run it alone
    spec = next(s for k, s in specs.items() if k.name == "accepted_values__conclusion")
    assert spec.metadata["dbt_test_name"].startswith("accepted_values_case_ledger_conclusion")
    assert "dbt test --select accepted_values_case_ledger_conclusion" in spec.description


def test_singular_tests_keep_their_file_name():
    from orchestration.dbt_translator import readable_manifest

    manifest = {"nodes": {
        "test.p.summary_flags_all_attributed": {
            "resource_type": "test", "name": "summary_flags_all_attributed",
            "depends_on": {"nodes": ["model.p.risk_flags"]}},
        "test.p.accepted_values_x_status___.1": {
            "resource_type": "test", "name": "accepted_values_x_status_______",
            "column_name": "status", "attached_node": "model.p.x",
            "test_metadata": {"name": "accepted_values", "kwargs": {"column_name": "status", "values": ["正常"]}}},
        "test.p.accepted_values_x_status___.2": {
            "resource_type": "test", "name": "accepted_values_x_status_________",
            "column_name": "status", "attached_node": "model.p.x",
            "test_metadata": {"name": "accepted_values", "kwargs": {"column_name": "status", "values": ["暂停"]}}},
        "test.p.status_is_known.3": {
            "resource_type": "test", "name": "status_is_known", "column_name": "status",
            "attached_node": "model.p.x",
            "test_metadata": {"name": "accepted_values", "kwargs": {"column_name": "status", "values": ["a"]}}},
        "test.p.dbt_utils_expression_is_true_x_a_b.4": {
            "resource_type": "test", "name": "dbt_utils_expression_is_true_x_a_b", "attached_node": "model.p.x",
            "test_metadata": {"name": "expression_is_true", "namespace": "dbt_utils",
                              "kwargs": {"expression": "a = b"}}},
    }}
    names = {uid: node["name"] for uid, node in readable_manifest(manifest)["nodes"].items()}
    assert names == {
        "test.p.summary_flags_all_attributed": "summary_flags_all_attributed",
        "test.p.accepted_values_x_status___.1": "accepted_values__status",
        "test.p.accepted_values_x_status___.2": "accepted_values__status__2",  # unique per asset
        "test.p.status_is_known.3": "status_is_known",                          # named in the yml
        "test.p.dbt_utils_expression_is_true_x_a_b.4": "expression_is_true",
    }


def test_writer_assets_are_in_the_pool_of_limit_one(repo):
    from orchestration.definitions import ASSETS
    from orchestration.resources import WAREHOUSE_WRITER_POOL

    assert WAREHOUSE_WRITER_POOL == "warehouse_writer"
    assert len(ASSETS) == 6
    for assets_def in ASSETS:
        assert assets_def.op.pool == "warehouse_writer", assets_def.node_def.name
    config = yaml.safe_load(DAGSTER_YAML.read_text(encoding="utf-8"))
    pools = config["concurrency"]["pools"]
    assert pools["default_limit"] == 1 and pools["granularity"] == "run"


def test_instance_of_dagster_yaml_limits_the_pool_to_one(tmp_path, monkeypatch):
    """The instance `dagster dev` uses (this dagster.yaml) gives warehouse_writer the limit 1."""
    import shutil

    from dagster import DagsterInstance

    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with DagsterInstance.get() as instance:
        assert instance.global_op_concurrency_default_limit == 1
        assert instance.get_concurrency_config().pool_config.pool_granularity.value == "run"


def test_cli_uses_the_instance_of_dagster_home_only_when_configured(tmp_path, monkeypatch):
    from pension_risk.pipeline import dagster_instance

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with dagster_instance() as instance:
        assert instance.is_ephemeral
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # no dagster.yaml there
    with dagster_instance() as instance:
        assert instance.is_ephemeral
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with dagster_instance() as instance:
        assert not instance.is_ephemeral
        assert Path(instance.root_directory).resolve() == tmp_path.resolve()


@pytest.mark.slow
def test_cli_run_is_recorded_in_the_instance_of_dagster_home(example_landing, tmp_path, monkeypatch):
    from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

    from pension_risk.pipeline import run_pipeline

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    warehouse = tmp_path / "warehouse.duckdb"

    # a run of an earlier `pension-risk run` on this warehouse whose process was killed
    with DagsterInstance.get() as instance:
        from dagster import Definitions, asset

        @asset
        def placeholder():
            return 1

        dead = instance.create_run_for_job(
            Definitions(assets=[placeholder]).resolve_implicit_global_asset_job_def(),
            tags={"pension_risk/command": "run", "pension_risk/warehouse": str(warehouse.resolve())},
            status=DagsterRunStatus.STARTED,
        )
        assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.STARTED

    result = run_pipeline(example_landing, warehouse, quiet=True)

    with DagsterInstance.get() as instance:
        runs = instance.get_runs(RunsFilter(tags={"pension_risk/run_id": result.run_id}))
        assert len(runs) == 1
        run = runs[0]
        assert run.status == DagsterRunStatus.SUCCESS
        assert run.tags["pension_risk/command"] == "run"
        assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE
        # dbt test results arrive as checks under their readable names
        evaluations = instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION, limit=10_000).records
        checks = {r.event_log_entry.dagster_event.event_specific_data.check_name for r in evaluations}
        assert {"unique__case_id", "not_null__flag_id", "accepted_values__conclusion",
                "no_blocking_failure"} <= checks
        assert not [c for c in checks if re.search(r"_{3,}", c)]



def test_schedule_starts_no_run_on_a_night_with_nothing_new(example_warehouse, monkeypatch):
    """Nothing new since the published build: the tick skips, saying why; a touched file is a run."""
    import os

    from dagster import RunRequest, SkipReason, build_schedule_context

    from orchestration.schedules import nightly_schedule

    landing = example_warehouse.parent / "landing"
    monkeypatch.setenv("PENSION_RISK_LANDING", str(landing))
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(example_warehouse))
    skipped = nightly_schedule(build_schedule_context())
    assert isinstance(skipped, SkipReason)
    assert skipped.skip_message.startswith("nothing new since the run that published")

    payouts = sorted(landing.glob("*/payouts.csv"))[-1]
    before = payouts.stat()
    os.utime(payouts, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))  # re-delivered
    try:
        assert isinstance(nightly_schedule(build_schedule_context()), RunRequest)
    finally:
        os.utime(payouts, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert isinstance(nightly_schedule(build_schedule_context()), SkipReason)


def test_every_reader_finds_the_warehouse_by_one_name(tmp_path, monkeypatch):
    """The dashboard, the case tools, the sensor and the Dagster resources: one variable, one default."""
    import dashboards.data as dashboard_data
    from pension_risk import published
    from pension_risk.cases import queries

    assert (published.WAREHOUSE_ENV, published.LANDING_ENV) == ("PENSION_RISK_WAREHOUSE", "PENSION_RISK_LANDING")
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(tmp_path / "city.duckdb"))
    monkeypatch.setenv("PENSION_RISK_LANDING", str(tmp_path / "landing"))
    assert queries.warehouse_path() == dashboard_data.warehouse_path() == tmp_path / "city.duckdb"
    assert published.default_landing() == tmp_path / "landing"
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", "")  # set but empty: the demo's file, not the current directory
    monkeypatch.delenv("PENSION_RISK_LANDING")
    assert queries.warehouse_path() == dashboard_data.warehouse_path() == Path("demo/warehouse.duckdb")
    assert published.default_landing() == Path("demo/landing")


def test_dbt_commands_start_without_an_in_process_adapter(tmp_path, monkeypatch):
    """The run's dbt resource does not load dbt's profile, project and macros in the run's own
    process before each command (orchestration.resources.ScreeningDbtCliResource); the command runs."""
    from orchestration.project import dbt_project
    from orchestration.resources import dbt_resource

    monkeypatch.setenv("PENSION_RISK_DB", str(tmp_path / ".warehouse.duckdb.dbt.building"))
    invocation = dbt_resource().cli(["ls", "--select", "rule_catalogue", "--resource-type", "seed"],
                                    manifest=dbt_project.manifest_path, target_path=tmp_path / "target",
                                    raise_on_error=False)
    invocation.wait()
    assert invocation.is_successful()
    assert invocation.adapter is None
