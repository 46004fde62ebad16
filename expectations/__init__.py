"""Great Expectations suites, one module per raw file (named after it).

`validate_file(con, module)` runs a file's suite on DataFrames read from the
building warehouse (read-only queries): the delivered columns of the raw table and
the staged rows of the newest batch. GX is imported lazily (it is slow to import).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field

from pension_risk.contract import FILES

SUITES = {spec.name: importlib.import_module(f"expectations.{spec.stem}") for spec in FILES}

# At city scale the newest batch of payouts has tens of millions of rows; the suite
# reads at most this many staged rows of it (in file order). Override with
# PENSION_RISK_GE_MAX_ROWS.
DEFAULT_MAX_ROWS = 500_000


@dataclass
class Failure:
    expectation: str
    column: str | None
    unexpected_count: int | None
    examples: list


@dataclass
class SuiteResult:
    file: str
    batch_id: str | None
    rows: int
    failures: list[Failure] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.failures

    def message(self) -> str:
        if self.success:
            return f"{self.file}: {self.rows} rows of batch {self.batch_id} meet every expectation"
        parts = [
            f"{f.expectation}({f.column or ''}): {f.unexpected_count} rows, e.g. {f.examples[:3]}"
            for f in self.failures
        ]
        return f"{self.file} (batch {self.batch_id}): " + "; ".join(parts)


_CONTEXT = None


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _CONTEXT = gx.get_context(mode="ephemeral")
        _CONTEXT.variables.progress_bars = ProgressBarsConfig(globally=False)
    return _CONTEXT


def _validate(name: str, frame, expectations) -> list[Failure]:
    import great_expectations as gx

    ctx = _context()
    source = ctx.data_sources.add_or_update_pandas(f"frames_{name}")
    asset = source.add_dataframe_asset(name=name)
    batch_def = asset.add_batch_definition_whole_dataframe("whole")
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    result = batch_def.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
    failures = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        failures.append(Failure(
            cfg.type, cfg.kwargs.get("column"), r.result.get("unexpected_count"),
            list(r.result.get("partial_unexpected_list") or r.result.get("observed_value") or [])[:5]
            if not isinstance(r.result.get("observed_value"), (int, float)) else [r.result.get("observed_value")],
        ))
    return failures


def validate_file(con, file: str, max_rows: int | None = None) -> SuiteResult:
    """Run the suite of one file against the building warehouse (a duckdb connection)."""
    module = SUITES[file]
    max_rows = max_rows or int(os.environ.get("PENSION_RISK_GE_MAX_ROWS", DEFAULT_MAX_ROWS))
    stem = file.rsplit(".", 1)[0]
    raw = con.execute(f"select * exclude (_batch_id, _batch_version, _file, _row_number) from raw.{stem} limit 0").df()
    failures = _validate(f"raw_{stem}", raw, module.raw_expectations())
    newest = con.execute("select max(batch_id) from intermediate.int_batches_usable").fetchall()[0][0]
    cols = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'staging' and table_name = ? "
        "and column_name not like '\\_%' escape '\\' order by ordinal_position", [module.STAGED_MODEL]).fetchall()]
    select = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in cols)
    staged = con.execute(
        f"select {select} from staging.{module.STAGED_MODEL} where _batch_id = ? order by _row_number limit {max_rows}",
        [newest],
    ).df()
    failures += _validate(f"staged_{stem}", staged, module.staged_expectations())
    return SuiteResult(file, newest, len(staged), failures)
