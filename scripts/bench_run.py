"""Benchmark of the nightly run at city scale (issue 9), in one sitting.

    .venv/bin/python scripts/bench_run.py --persons 100000
    .venv/bin/python scripts/bench_run.py --persons 1000000 --dir /data/bench-1m

Generates the landing once (`pension-risk generate --persons N --seed 3 --batches 3`, kept in
DIR and reused when the arguments match), then times:

- floor:   DuckDB `count(*)` over every delivered CSV once (`read_csv(all_varchar=true)`);
- full:    `pension-risk run` from an empty warehouse, every batch;
- nightly: the newest batch onto a warehouse of the others (built first, untimed);
- no-op:   the same run again with nothing new.

Each as seconds and as a ratio to the floor, with the peak RSS of the run's whole process
tree (pension-risk, dbt and every other child, summed, sampled every 0.1 s), the size of the
published file against the delivered CSV, and dbt's ten slowest nodes of the full run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from pension_risk.published import memory_limit  # the DuckDB memory cap every run applies

BIN = Path(sys.executable).parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")
NODE_LINE = re.compile(r"\d+ of \d+ (?:OK|PASS|WARN|ERROR|FAIL)\S* (?:created|loaded|ran|.*?) (?:sql )?"
                       r"(\w+ model|seed file|test|unit test)?\s*([\w.]+) \.+ \[.*? in ([\d.]+)s\]")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss_kb(p)
        todo += _children(p)
    return total


def timed(cmd: list[str], log: Path) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS of the process tree in MB)."""
    peak = 0
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss_kb(proc.pid))
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
    return time.monotonic() - start, code, peak // 1024


def floor_seconds(landing: Path) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect()
    start = time.monotonic()
    rows = 0
    for path in sorted(landing.glob("*/*.csv")):
        try:
            rows += con.execute(f"select count(*) from read_csv('{path}', all_varchar=true)").fetchall()[0][0]
        except duckdb.Error:  # a GB18030 file (EXTRACTS.md): read byte for byte, the same rows
            rows += con.execute(f"select count(*) from read_csv('{path}', all_varchar=true, "
                                "encoding='latin-1')").fetchall()[0][0]
    return time.monotonic() - start, rows


def slowest_nodes(run_log: Path, n: int = 10) -> list[tuple[float, str]]:
    nodes = []
    for line in ANSI.sub("", run_log.read_text(encoding="utf-8", errors="replace")).splitlines():
        m = NODE_LINE.search(line)
        if m:
            nodes.append((float(m[3]), f"{m[2]} ({(m[1] or 'node').strip()})"))
    return sorted(nodes, reverse=True)[:n]


def generate(root: Path, persons: int, seed: int, batches: int) -> Path:
    landing = root / "landing"
    marker = root / "landing.json"
    args = {"persons": persons, "seed": seed, "batches": batches}
    if landing.is_dir() and marker.is_file() and json.loads(marker.read_text()) == args:
        print(f"reusing the landing in {landing}", flush=True)
        return landing
    shutil.rmtree(landing, ignore_errors=True)
    print(f"generating {persons:,} persons ({batches} batches, seed {seed}) into {landing} …", flush=True)
    start = time.monotonic()
    subprocess.run([str(BIN / "pension-risk"), "generate", "--out", str(landing), "--persons", str(persons),
                    "--seed", str(seed), "--batches", str(batches), "--truth", str(root / "truth")], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  generated in {time.monotonic() - start:.0f} s", flush=True)
    marker.write_text(json.dumps(args))
    return landing


def run_cmd(landing: Path, warehouse: Path) -> list[str]:
    return [str(BIN / "pension-risk"), "run", "--landing", str(landing), "--warehouse", str(warehouse)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--batches", type=int, default=3)
    p.add_argument("--dir", type=Path, default=None, help="work directory (default /tmp/bench-<persons>)")
    args = p.parse_args()
    root = (args.dir or Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{args.persons}").resolve()
    root.mkdir(parents=True, exist_ok=True)
    landing = generate(root, args.persons, args.seed, args.batches)
    batches = sorted(d.name for d in landing.iterdir() if d.is_dir())
    csv_bytes = sum(f.stat().st_size for f in landing.glob("*/*.csv"))

    floor, rows = floor_seconds(landing)
    print(f"floor: {rows:,} CSV rows ({csv_bytes / 1e6:,.0f} MB) counted in {floor:.1f} s", flush=True)

    results = []
    full_dir = root / "full"
    shutil.rmtree(full_dir, ignore_errors=True)
    full_dir.mkdir()
    full_wh = full_dir / "warehouse.duckdb"
    print("full run …", flush=True)
    results.append(("full run, empty warehouse, all batches",
                    *timed(run_cmd(landing, full_wh), full_dir / "full.out")))
    slow = slowest_nodes(full_wh.with_name(full_wh.name + ".run.log"))
    published_mb = full_wh.stat().st_size / 1e6 if full_wh.exists() else float("nan")

    nightly_dir = root / "nightly"
    shutil.rmtree(nightly_dir, ignore_errors=True)
    (nightly_dir / "landing").mkdir(parents=True)
    for b in batches[:-1]:
        (nightly_dir / "landing" / b).symlink_to(landing / b)
    nightly_wh = nightly_dir / "warehouse.duckdb"
    print(f"preparing the nightly warehouse ({', '.join(batches[:-1])}) …", flush=True)
    prep = timed(run_cmd(nightly_dir / "landing", nightly_wh), nightly_dir / "prepare.out")
    (nightly_dir / "landing" / batches[-1]).symlink_to(landing / batches[-1])
    print(f"nightly run ({batches[-1]}) …", flush=True)
    results.append((f"nightly run, {batches[-1]} onto the others", *timed(
        run_cmd(nightly_dir / "landing", nightly_wh), nightly_dir / "nightly.out")))
    before = nightly_wh.stat().st_mtime_ns
    print("no-op run …", flush=True)
    results.append(("no-op run, nothing new", *timed(run_cmd(nightly_dir / "landing", nightly_wh),
                                                      nightly_dir / "noop.out")))
    republished = nightly_wh.stat().st_mtime_ns != before

    print()
    print(f"persons {args.persons:,}, {len(batches)} batches, {rows:,} CSV rows, {csv_bytes / 1e6:,.0f} MB of CSV "
          f"(seed {args.seed}); machine: {os.cpu_count()} cores; DuckDB memory cap {memory_limit()}")
    print(f"{'step':46} {'seconds':>9} {'x floor':>8} {'peak RSS':>10} exit")
    print(f"{'floor: count(*) over every CSV once':46} {floor:9.1f} {1:8.1f} {'':>10}")
    for name, seconds, code, peak in results:
        print(f"{name:46} {seconds:9.1f} {seconds / floor:8.1f} {peak:7,d} MB {code:>4}")
    full = results[0][1]
    print(f"nightly / full: {results[1][1] / full:.0%};  no-op published a new file: {'yes' if republished else 'no'}; "
          f"(nightly preparation: {prep[0]:.0f} s)")
    print(f"published file: {published_mb:,.0f} MB = {published_mb / (csv_bytes / 1e6):.2f} x the delivered CSV")
    print("dbt's ten slowest nodes of the full run:")
    for seconds, node in slow:
        print(f"  {seconds:8.2f} s  {node}")
    return max(code for _n, _s, code, _p in results)


if __name__ == "__main__":
    sys.exit(main())
