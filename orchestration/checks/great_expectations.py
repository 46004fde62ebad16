"""Great Expectations suites as blocking asset checks on the staging models.

A failing suite blocks everything downstream, so nothing is published; the
message names the file, the expectation, the number of rows and a few examples.
"""


import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check

from orchestration.resources import WarehouseResource
from pension_risk.contract import FILES


def _make_check(file: str, stem: str):
    @asset_check(
        name=f"great_expectations_{stem}",
        asset=AssetKey(["staging", f"stg_landing__{stem}"]),
        blocking=True,
        description=f"Great Expectations suite expectations/{stem}.py for {file}",
    )
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        from expectations import validate_file

        con = duckdb.connect(str(warehouse.building), read_only=True)
        try:
            result = validate_file(con, file)
        finally:
            con.close()
        return AssetCheckResult(
            passed=result.success,
            severity=AssetCheckSeverity.ERROR,
            description=result.message(),
            metadata={"rows_validated": result.rows, "batch_id": result.batch_id or "",
                      "failed_expectations": len(result.failures)},
        )

    return _check


great_expectations_checks = [_make_check(spec.name, spec.stem) for spec in FILES]
