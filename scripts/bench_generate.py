"""Wall time and peak RSS of `pension-risk generate` for --persons N (default 1,000,000)."""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import tempfile
import time
from pathlib import Path

from pension_risk.generate import generate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batches", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        generate(Path(tmp) / "landing", None, args.persons, args.seed, dt.date(2021, 6, 30), args.batches)
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in (Path(tmp) / "landing").rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"persons={args.persons} wall={wall:.1f}s peak_rss={peak_mb:.0f}MB landing={size / 2**20:.0f}MB")


if __name__ == "__main__":
    main()
