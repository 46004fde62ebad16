"""Benchmark the nightly run: generate N persons, then time `pension-risk run` and report peak memory.

    .venv/bin/python scripts/bench_run.py --persons 100000

Prints the generator's time, the run's wall time, the dbt build's own time (from
dbt's run results), the warehouse size and the peak RSS of the run's process tree.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


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
    # dbt's own timings, from the run's log (one line per dbt invocation: replays, then the build)
    log = warehouse.with_name(warehouse.name + ".run.log").read_text(encoding="utf-8", errors="replace")
    dbt_times = [float(m) for m in re.findall(r"Finished running .* \(([0-9.]+)s\)", log)]
    print(f"persons                 {args.persons}")
    print(f"generate                {t_gen:8.1f} s   landing {size / 1e6:8.1f} MB")
    print(f"run (exit {proc.returncode})            {t_run:8.1f} s   warehouse {warehouse.stat().st_size / 1e6:8.1f} MB")
    if dbt_times:
        print(f"  of which dbt build    {dbt_times[-1]:8.1f} s   (history replays before it: "
              f"{', '.join(f'{t:.1f}' for t in dbt_times[1:-1]) or 'none'} s)")
    print(f"peak RSS (largest child) {peak_kb / 1024:7.0f} MB")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
