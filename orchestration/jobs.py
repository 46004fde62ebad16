"""The nightly job: every asset, in one process (the pipeline is the single writer)."""

from dagster import AssetSelection, define_asset_job, in_process_executor

nightly_job = define_asset_job(
    name="nightly_screening_job",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    # one run at a time writes the warehouse (also enforced by the warehouse lock file)
    tags={"dagster/concurrency_key": "warehouse_writer"},
)
