"""The nightly job: every asset, in one process (the pipeline is the single writer)."""

from dagster import AssetSelection, define_asset_job, in_process_executor

nightly_job = define_asset_job(
    name="nightly_screening_job",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    # one run at a time writes the warehouse: the assets are in the pool `warehouse_writer`
    # (limit 1 per run, orchestration/dagster_home/dagster.yaml); this tag limit is the same rule
    # for runs of the job, and the warehouse lock file enforces it outside Dagster too
    tags={"dagster/concurrency_key": "warehouse_writer"},
)
