"""Ingestion assets: the raw layer of the building warehouse (dbt sources `landing` and `cases`)."""


from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from orchestration.resources import WAREHOUSE_WRITER_POOL, WarehouseResource
from pension_risk import progress, published, run_inputs
from pension_risk.contract import FILES
from pension_risk.ingest import ingest_landing

LANDING_TABLES = [f.stem for f in FILES] + ["batches", "batch_files", "malformed_lines"]
CASE_TABLES = ["case_records", "checklist_answers"]


def prepare_building_copy(warehouse: WarehouseResource) -> None:
    """Start the run from a private copy of the published file (or from nothing), owned by this run."""
    published.prepare_building(warehouse.lock)


@multi_asset(
    specs=[
        AssetSpec(AssetKey(["landing", t]), group_name="landing",
                  description=f"raw.{t}: rows of every accepted batch, as delivered, with lineage")
        for t in LANDING_TABLES
    ],
    can_subset=False,
    pool=WAREHOUSE_WRITER_POOL,
)
def landing_extracts(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Discover new batches in the landing directory, verify and load them (all or nothing per batch)."""
    progress.current.set_stage("ingesting")
    # what this run is built from, taken before anything is read: published with the build, so
    # the next run with the same inputs has nothing new (pension_risk/run_inputs.py)
    inputs = run_inputs.fingerprint(warehouse.landing, warehouse.cases)
    prepare_building_copy(warehouse)
    con = published.connect_building(warehouse.building)
    try:
        run_inputs.record(con, inputs, warehouse.run_id)
        results = ingest_landing(con, warehouse.landing, progress=lambda m: published.note(f"ingest: loading {m}"),
                                 tmpdir=warehouse.building.parent, on_rows=progress.current.add_rows)
    finally:
        con.close()
    summary = [
        {"batch_id": r.batch_id, "version": r.version, "status": r.status, "reason": r.reason, "rows": r.rows}
        for r in results
    ]
    for r in results:
        published.note(f"ingest: batch {r.batch_id} v{r.version}: {r.status}" + (f" — {r.reason}" if r.reason else ""))
        context.log.info(f"batch {r.batch_id} v{r.version}: {r.status}" + (f" — {r.reason}" if r.reason else "")
                         + (f" ({r.rows} rows)" if r.status == "accepted" else ""))
    for t in LANDING_TABLES:
        metadata = {"batches": MetadataValue.json(summary)} if t == "batches" else None
        yield MaterializeResult(asset_key=AssetKey(["landing", t]), metadata=metadata)


@multi_asset(
    specs=[
        AssetSpec(AssetKey(["cases", t]), group_name="landing", deps=[AssetKey(["landing", "batches"])],
                  description=f"raw.{t}: current verification records copied from the case store")
        for t in CASE_TABLES
    ],
    can_subset=False,
    pool=WAREHOUSE_WRITER_POOL,
)
def case_store_snapshot(context: AssetExecutionContext, warehouse: WarehouseResource):
    """Copy the current case records and checklist answers (human work, kept outside the warehouse)."""
    from pension_risk.cases.store import snapshot_for_warehouse

    if not warehouse.building.exists():
        raise Failure(description=f"no building file of this run ({warehouse.building.name}): the case store "
                      "snapshot goes into the run's own build; materialize the whole job")
    records, answers = snapshot_for_warehouse(warehouse.cases)
    con = published.connect_building(warehouse.building)
    try:
        for table, frame in (("case_records", records), ("checklist_answers", answers)):
            cols = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' "
                "and table_name = ? order by ordinal_position", [table]).fetchall()]
            con.execute(f"delete from raw.{table}")
            if len(frame):
                con.register("_frame", frame[[c for c in cols if c in frame.columns]])
                names = ", ".join(c for c in cols if c in frame.columns)
                con.execute(f"insert into raw.{table} ({names}) select {names} from _frame")
                con.unregister("_frame")
    finally:
        con.close()
    context.log.info(f"case store {warehouse.cases}: {len(records)} case records, {len(answers)} checklist answers")
    for t in CASE_TABLES:
        yield MaterializeResult(asset_key=AssetKey(["cases", t]))
