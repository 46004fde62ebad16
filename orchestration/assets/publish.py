"""Publishing: this run's completed build atomically replaces the published warehouse.

Refuses anything else: a publish-only materialization (no build of this run), a
leftover building file of another run, a build with a step or model missing
(pension_risk.published.mark_complete / publish).
"""

from dagster import AssetExecutionContext, DagsterEventType, Failure, MaterializeResult, MetadataValue, asset

from orchestration.assets.dbt import screening_models, staging_models
from orchestration.assets.landing import case_store_snapshot, landing_extracts
from orchestration.assets.quality import quality_gate
from orchestration.resources import WAREHOUSE_WRITER_POOL, WarehouseResource
from pension_risk import progress, published
from pension_risk.errors import PipelineError


def unbuilt_upstream(context: AssetExecutionContext) -> list[str]:
    """Upstream assets (ingest, case snapshot, every dbt model) NOT materialized by this run."""
    required = (set(landing_extracts.keys) | set(case_store_snapshot.keys) | set(staging_models.keys)
                | set(quality_gate.keys) | set(screening_models.keys))
    records = context.instance.get_records_for_run(
        run_id=context.run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION).records
    done = {r.event_log_entry.dagster_event.asset_key for r in records if r.event_log_entry.dagster_event}
    failed_checks = []
    for r in context.instance.get_records_for_run(
            run_id=context.run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records:
        data = r.event_log_entry.dagster_event.event_specific_data
        if not data.passed and getattr(data.severity, "value", "ERROR") == "ERROR":
            failed_checks.append(f"check {data.check_name}")
    return sorted(k.to_user_string() for k in required - done) + failed_checks


@asset(
    deps=[screening_models],
    group_name="publish",
    pool=WAREHOUSE_WRITER_POOL,
    description="The published DuckDB warehouse, replaced atomically at the end of a successful run "
                "(only by a completed build of the same run).",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    progress.current.set_stage("publishing")
    published.failpoint("before-publish")
    lock = warehouse.lock
    missing = unbuilt_upstream(context)
    if missing:
        raise Failure(description=(
            f"refusing to publish: this run did not build {len(missing)} upstream asset(s) "
            f"({', '.join(missing[:4])}{' …' if len(missing) > 4 else ''}); only a whole run of the job "
            f"(ingest, dbt build, checks, publish) can publish; {warehouse.warehouse.name} is untouched"))
    try:
        # every relation of the dbt assets this process loaded (the same set the run built)
        info = published.mark_complete(lock, sorted(
            (k.path[0], k.path[-1]) for k in [*staging_models.keys, *screening_models.keys]))
        con = published.connect_building(lock.building)
        try:
            # the builds published so far (orchestration/assets/dbt.py replays the batches after the last one)
            con.execute("create table if not exists raw.build_log (batch_id varchar, as_of date, published_at timestamp)")
            con.execute("insert into raw.build_log select batch_id, as_of, current_timestamp from intermediate.int_as_of")
            flags = con.execute("select rule_code, count(*) from marts.risk_flags group by 1 order by 1").fetchall()
            con.execute("checkpoint")
            from expectations.report import render

            report = render(con)
        finally:
            con.close()
        published.publish(lock)
        _write_report(report, warehouse.warehouse, context)
    except PipelineError as exc:
        raise Failure(description=str(exc)) from None
    context.log.info(f"published {warehouse.warehouse} (run {lock.run_id})")
    return MaterializeResult(metadata={
        "path": str(warehouse.warehouse),
        "run_id": lock.run_id,
        "as_of": str(info["as_of"]) if info.get("as_of") else None,
        "batch_id": info.get("batch_id"),
        "flags": MetadataValue.json({code: n for code, n in flags}),
    })


def _write_report(text: str, warehouse, context) -> None:
    """The validation report of what was just published; a failure to write it is logged, not fatal."""
    from expectations.report import write_text

    try:
        path = write_text(text, warehouse)
        context.log.info(f"validation report {path}")
    except OSError as exc:
        context.log.warning(f"could not write the validation report beside {warehouse}: {exc}")
