"""The quality gate: every new batch version is judged after staging, before any other model.

Between the two dbt assets (orchestration/assets/dbt.py): `staging_models` builds the staging
layer, this asset runs the batch-level expectations (expectations/batch.py, thresholds in
expectations/batch_checks.yml) on each batch version ingested since the last gate, records the
results in raw.quality_checks (marts.quality_checks) and, for a failed `block` check:

- on_block = reject_batch (default, INTERFACE.md): rejects that batch as a structural problem
  would (its rows removed from raw, status rejected with the check in the reason), rebuilds the
  staging models without it, and lets the marts be built from the other batches;
- on_block = stop_run: its blocking asset check fails, so Dagster never starts the marts and
  nothing is published; the previous warehouse stays as it was.
"""


import datetime as dt

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import DbtCliResource

from orchestration.assets.dbt import (
    STAGING_SELECT,
    dbt_failures,
    keep_partial_parse,
    run_results,
    staging_models,
)
from orchestration.dbt_translator import QUALITY_GATE_KEY
from orchestration.project import dbt_project
from orchestration.resources import WAREHOUSE_WRITER_POOL, WarehouseResource
from pension_risk import progress, published

GATE_CHECK = "no_blocking_failure"


def judge_new_batches(con, config: dict, digest: str, now: dt.datetime) -> tuple[list, list]:
    """Run the checks on every unchecked batch version; returns (results, blocking failures).

    With on_block = reject_batch each batch with a blocking failure is rejected at once, so the
    next batch of the same run is compared with the batches that stay.
    """
    from expectations.batch import Batch, run_checks
    from pension_risk.ingest.loader import mark_checked, reject_after_checks, unchecked_batches

    results, blocking = [], []
    for batch_id, version, as_of in unchecked_batches(con):
        batch = Batch(batch_id, version, as_of)
        found = run_checks(con, batch, config)
        con.executemany(
            "insert into raw.quality_checks values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.batch_id, r.batch_version, r.file, r.check_name, r.severity, r.passed, r.observed, r.expected,
              r.detail, now) for r in found])
        failed = [r for r in found if not r.passed and r.severity == "block"]
        results.extend(found)
        blocking.extend(failed)
        if failed and config.get("on_block", "reject_batch") == "reject_batch":
            reason = failed[0].line() + (f" (and {len(failed) - 1} more blocking check(s) failed, "
                                         "see marts.quality_checks)" if len(failed) > 1 else "")
            reject_after_checks(con, batch_id, version, failed[0].file, reason, digest, now)
        else:
            mark_checked(con, batch_id, version, now)
    return results, blocking


@asset(
    key=QUALITY_GATE_KEY,
    deps=list(staging_models.keys),
    group_name="quality",
    pool=WAREHOUSE_WRITER_POOL,
    description="Batch-level quality gate (expectations/batch.py): judges each new batch version after "
                "staging; a failed block check rejects the batch (or, with on_block = stop_run, stops the run "
                "before the marts).",
    check_specs=[AssetCheckSpec(
        GATE_CHECK, asset=QUALITY_GATE_KEY, blocking=True,
        description="No new batch failed a blocking quality check that is still in the data (ERROR: the marts "
                    "are not built; WARN: the failing batches were rejected and left out)")],
)
def quality_gate(context: AssetExecutionContext, warehouse: WarehouseResource, dbt: DbtCliResource):
    from expectations.batch import QualityConfigError, config_digest, load_config

    progress.current.set_stage("quality gate")
    try:
        config = load_config()
    except QualityConfigError as exc:
        raise Failure(description=str(exc)) from None
    stop = config.get("on_block", "reject_batch") == "stop_run"
    now = dt.datetime.now().replace(microsecond=0)
    con = published.connect_building(warehouse.building)
    try:
        from pension_risk.ingest.loader import ensure_raw_schema

        ensure_raw_schema(con)
        results, blocking = judge_new_batches(con, config, config_digest(), now)
        if blocking and stop:
            from expectations.report import write_report

            write_report(con, warehouse.warehouse, headline=(
                f"{now:%Y-%m-%d %H:%M} 的运行在质量闸门处停止（on_block = stop_run），未发布；"
                f"已发布的数据保持不变。未通过的阻断项见下方标红的行。"))
    finally:
        con.close()
    rejected = sorted({(r.batch_id, r.batch_version) for r in blocking}) if not stop else []
    for r in results:
        if not r.passed:
            line = f"{r.severity}: batch {r.batch_id} v{r.batch_version} {r.line()}"
            published.note(f"quality gate: {line}")
            context.log.warning(line)
    if rejected:
        # the staging tables still hold the rejected batches' rows: build them again without
        context.log.info(f"rebuilding the staging models without {len(rejected)} rejected batch(es)")
        invocation = dbt.cli(["run", "--select", STAGING_SELECT], manifest=dbt_project.manifest_path,
                             raise_on_error=False)
        invocation.wait()
        keep_partial_parse(invocation)
        published.settle_dbt_wal(warehouse.lock)
        if not invocation.is_successful():
            raise Failure(description=dbt_failures(run_results(invocation)))
    passed = not blocking
    if passed:
        text = f"{len(results)} check(s) on the new batches, no blocking failure"
    elif stop:
        text = ("stopped before the marts (on_block = stop_run): " + "; ".join(
            f"batch {r.batch_id} {r.line()}" for r in blocking[:3]))
    else:
        text = "rejected " + ", ".join(f"{b} v{v}" for b, v in rejected) + ": " + "; ".join(
            f"batch {r.batch_id} {r.line()}" for r in blocking[:3])
    summary = [{"batch_id": r.batch_id, "version": r.batch_version, "file": r.file, "check": r.check_name,
                "severity": r.severity, "observed": r.observed, "expected": r.expected}
               for r in results if not r.passed]
    yield MaterializeResult(
        metadata={"checks": len(results), "failed": MetadataValue.json(summary),
                  "rejected": MetadataValue.json([{"batch_id": b, "version": v, "reason": next(
                      r.line() for r in blocking if (r.batch_id, r.batch_version) == (b, v))} for b, v in rejected])},
        check_results=[AssetCheckResult(
            check_name=GATE_CHECK, passed=passed,
            severity=AssetCheckSeverity.ERROR if stop else AssetCheckSeverity.WARN,
            description=text[:2000],
        )],
    )
