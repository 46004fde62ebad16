"""Benchmark the nightly run: generate N persons, then time `pension-risk run` and report peak memory.

    .venv/bin/python scripts/bench_run.py --persons 100000

Prints the generator's time, the run's wall time, the dbt build's own time (from
dbt's run results), the warehouse size and the peak RSS of the run's process tree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dir", type=Path, default=None)
    args = p.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="bench-run-"))
    bin_dir = Path(sys.executable).parent
    landing, warehouse = root / "landing", root / "warehouse.duckdb"

    t0 = time.monotonic()
    subprocess.run([str(bin_dir / "pension-risk"), "generate", "--out", str(landing), "--persons", str(args.persons),
                    "--seed", str(args.seed), "--as-of", "2021-06-30", "--batches", "3"], check=True)
    t_gen = time.monotonic() - t0
    size = sum(f.stat().st_size for f in landing.rglob("*") if f.is_file())

    t0 = time.monotonic()
    proc = subprocess.run([str(bin_dir / "pension-risk"), "run", "--landing", str(landing),
                           "--warehouse", str(warehouse)])
    t_run = time.monotonic() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run_results = REPO / "dbt_project" / "target" / "run_results.json"
    dbt_elapsed = json.loads(run_results.read_text())["elapsed_time"] if run_results.exists() else float("nan")
    print(f"persons                 {args.persons}")
    print(f"generate                {t_gen:8.1f} s   landing {size / 1e6:8.1f} MB")
    print(f"run (exit {proc.returncode})            {t_run:8.1f} s   warehouse {warehouse.stat().st_size / 1e6:8.1f} MB")
    print(f"  of which dbt build    {dbt_elapsed:8.1f} s")
    print(f"peak RSS (largest child) {peak_kb / 1024:7.0f} MB")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
