"""`pension-risk demo`: the embedded default — generate, run, report, and say how to look."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path


def run_demo(persons: int = 20000, directory: Path = Path("demo")) -> int:
    from pension_risk.generate import generate
    from pension_risk.pipeline import run_pipeline
    from pension_risk.report import write_reports

    directory = directory.resolve()
    landing, truth = directory / "landing", directory / "landing_truth"
    warehouse, reports = directory / "warehouse.duckdb", directory / "reports"
    started = time.monotonic()
    print(f"== 1/3 generating {persons} persons into {landing}", file=sys.stderr, flush=True)
    generate(out=landing, truth=truth, persons=persons, seed=1, as_of=dt.date(2021, 6, 30), batches=3)
    print(f"== 2/3 running the nightly job -> {warehouse}", file=sys.stderr, flush=True)
    result = run_pipeline(landing=landing, warehouse=warehouse)
    print(f"== 3/3 writing the official tables -> {reports}", file=sys.stderr, flush=True)
    written = write_reports(warehouse=warehouse, out_dir=reports)
    print(f"\ndone in {time.monotonic() - started:.0f}s. as_of {result.as_of}, "
          f"{sum(result.flags.values())} flags; reports: {', '.join(p.name for p in written)}")
    import orchestration

    dagster_home = Path(orchestration.__file__).parent / "dagster_home"
    print(
        "\nNext:\n"
        f"  dashboard : PENSION_RISK_WAREHOUSE={warehouse} .venv/bin/streamlit run dashboards/app.py\n"
        f"  Dagster UI: DAGSTER_HOME={dagster_home} PENSION_RISK_LANDING={landing} "
        f"PENSION_RISK_WAREHOUSE={warehouse} "
        ".venv/bin/dagster dev -m orchestration.definitions\n"
        f"  SQL       : .venv/bin/python -c \"import duckdb; print(duckdb.connect('{warehouse}', read_only=True)"
        ".sql('select rule_code, count(*) from marts.risk_flags group by 1 order by 1'))\"\n"
        f"  planted answers of the generator: {truth}/truth_flags.csv"
    )
    return 0
