"""Publishing: the finished building file atomically replaces the published warehouse."""


import os

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.assets.dbt import screening_models
from orchestration.resources import WarehouseResource


@asset(
    deps=[screening_models],
    group_name="publish",
    description="The published DuckDB warehouse, replaced atomically at the end of a successful run.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    building = warehouse.building
    con = duckdb.connect(str(building))
    try:
        con.execute("create table if not exists raw.build_log (batch_id varchar, as_of date, published_at timestamp)")
        con.execute(
            "insert into raw.build_log select batch_id, as_of, current_timestamp from intermediate.int_as_of"
        )
        as_of = con.execute("select batch_id, as_of from intermediate.int_as_of").fetchall()
        flags = con.execute("select rule_code, count(*) from marts.risk_flags group by 1 order by 1").fetchall()
        con.execute("checkpoint")
    finally:
        con.close()
    # a reader with the old file open keeps its inode; new readers see the new file
    os.replace(building, warehouse.warehouse)
    context.log.info(f"published {warehouse.warehouse}")
    return MaterializeResult(metadata={
        "path": str(warehouse.warehouse),
        "as_of": str(as_of[0][1]) if as_of else None,
        "batch_id": as_of[0][0] if as_of else None,
        "flags": MetadataValue.json({code: n for code, n in flags}),
    })
