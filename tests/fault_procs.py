"""Helper processes of the fault-injection suite (tests/test_faults.py): `python -m tests.fault_procs CMD …`.

Each runs as its own real process, so that locks, connections and signals behave as
they do between a nightly run, the dashboard and an analyst's DuckDB shell.

- reader WAREHOUSE STOP OUT [--hold]: query the published file in a loop until STOP exists;
  every answer (run_id of marts.publish_info and figures of marts.risk_flags, all through one
  connection) goes to OUT as JSON lines; a failed query is recorded, never raised.
  --hold keeps one connection open for the whole loop (a dashboard process that holds one).
- publisher WAREHOUSE N EXPECT: N publishes through the real writer path (lock, building copy,
  marker, publish), each removing one more flag; EXPECT gets {run_id: [count, sum]} before
  each publish.
- hold-lock WAREHOUSE READY: take the writer lock and wait (killed by the test).
- hold-writer WAREHOUSE READY: open the published file read-write (a DuckDB shell) and wait.
- stale-wal WAREHOUSE: open it read-write, write, and die by SIGKILL: a stale WAL stays beside it.
- publish-only WAREHOUSE LANDING: materialize only `published_warehouse` in Dagster.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import duckdb

FIGURES = "select count(*), coalesce(sum(coalesce(amount, 0)), 0)::varchar from marts.risk_flags"


def _answer(con) -> dict:
    run_id = con.execute("select run_id from marts.publish_info").fetchone()[0]
    count, total = con.execute(FIGURES).fetchone()
    audit = con.execute("select count(*) from marts.batch_audit").fetchone()[0]
    return {"run_id": run_id, "count": count, "sum": total, "audit": audit}


def reader(warehouse: str, stop: str, out: str, hold: bool = False) -> int:
    held = duckdb.connect(warehouse, read_only=True) if hold else None
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        while not os.path.exists(stop):
            t = time.time()
            try:
                if held is not None:
                    answer = _answer(held)
                else:
                    con = duckdb.connect(warehouse, read_only=True)
                    try:
                        answer = _answer(con)
                    finally:
                        con.close()
                answer["t"] = t
            except Exception as exc:  # noqa: BLE001 - recorded, the test fails on it
                answer = {"error": f"{type(exc).__name__}: {exc}", "t": t}
            fh.write(json.dumps(answer) + "\n")
            fh.flush()
            n += 1
            time.sleep(0.01)
    return 0


def publisher(warehouse: str, count: int, expect: str) -> int:
    from pension_risk import published

    w = Path(warehouse)
    expected: dict[str, list] = {}
    relations = published.dbt_relations()
    for k in range(1, count + 1):
        lock = published.acquire(w, run_id=f"reader-v{k:02d}-{os.getpid()}")
        try:
            building = published.prepare_building(lock)
            con = duckdb.connect(str(building))
            try:
                con.execute("delete from marts.risk_flags where flag_id = (select min(flag_id) from marts.risk_flags)")
                n, total = con.execute(FIGURES).fetchone()
                con.execute("checkpoint")
            finally:
                con.close()
            expected[lock.run_id] = [n, total]
            Path(expect + ".tmp").write_text(json.dumps(expected), encoding="utf-8")
            os.replace(expect + ".tmp", expect)
            published.mark_complete(lock, relations)
            published.publish(lock)
        finally:
            published.discard_building(lock)
            published.release(lock)
        time.sleep(0.3)
    return 0


def hold_lock(warehouse: str, ready: str) -> int:
    from pension_risk import published

    published.acquire(Path(warehouse), run_id=f"holder-{os.getpid()}")
    Path(ready).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(3600)
    return 0


def hold_writer(warehouse: str, ready: str) -> int:
    con = duckdb.connect(warehouse)  # read-write, as the DuckDB shell opens a file by default
    con.execute("create table if not exists main.scratch (x integer)")
    con.execute("insert into main.scratch values (1)")
    Path(ready).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(3600)
    return 0


def stale_wal(warehouse: str) -> int:
    con = duckdb.connect(warehouse)
    con.execute("create table if not exists main.scratch (x integer)")
    con.execute("insert into main.scratch select range from range(1000)")
    os.kill(os.getpid(), signal.SIGKILL)  # crash before any checkpoint: the WAL stays
    return 1


def publish_only(warehouse: str, landing: str) -> int:
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    from dagster import DagsterInstance, materialize

    from orchestration.assets.publish import published_warehouse
    from orchestration.resources import WarehouseResource, dbt_resource

    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            [published_warehouse],
            resources={"warehouse": WarehouseResource(landing_dir=landing, warehouse_path=warehouse),
                       "dbt": dbt_resource()},
            instance=instance, raise_on_error=False,
        )
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            data = event.event_specific_data
            text = (data.user_failure_data.description if data.user_failure_data else None) or data.error.message
            print(f"publish-only failed: {' '.join(text.split())}", file=sys.stderr)
    return 0 if result.success else 1


def main(argv: list[str]) -> int:
    cmd, args = argv[0], argv[1:]
    if cmd == "reader":
        return reader(args[0], args[1], args[2], hold="--hold" in args)
    if cmd == "publisher":
        return publisher(args[0], int(args[1]), args[2])
    if cmd == "hold-lock":
        return hold_lock(args[0], args[1])
    if cmd == "hold-writer":
        return hold_writer(args[0], args[1])
    if cmd == "stale-wal":
        return stale_wal(args[0])
    if cmd == "publish-only":
        return publish_only(args[0], args[1])
    raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
