"""Root Dagster definitions: `dagster dev -m orchestration.definitions`."""

from dagster import Definitions

from orchestration.assets.dbt import screening_models, staging_models
from orchestration.assets.landing import case_store_snapshot, landing_extracts
from orchestration.assets.publish import published_warehouse
from orchestration.assets.quality import quality_gate
from orchestration.jobs import nightly_job
from orchestration.resources import default_resources
from orchestration.schedules import nightly_schedule
from orchestration.sensors import landing_sensor

ASSETS = [landing_extracts, case_store_snapshot, staging_models, quality_gate, screening_models, published_warehouse]

defs = Definitions(
    assets=ASSETS,
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    sensors=[landing_sensor],
    resources=default_resources(),
)
