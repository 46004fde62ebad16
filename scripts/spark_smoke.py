"""Run the same dbt models on Spark (dbt-spark, local session) against a published warehouse's raw layer.

    .venv/bin/python scripts/spark_smoke.py --warehouse demo/warehouse.duckdb [--models-only]

(pyspark and dbt-spark are installed by the set-up, scripts/setup.sh; tests/test_spark.py
runs this comparison in the test suite.)

Exports raw.* of the DuckDB warehouse to Parquet, loads it into a local Spark
metastore, runs `dbt build --target spark` (unit tests excluded) and compares the
number of flags and their total amount per rule with the DuckDB warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]

LOAD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("pension-risk-load")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.sql.session.timeZone", "Asia/Shanghai")
             .enableHiveSupport().getOrCreate())
    spark.sql("create database if not exists raw")
    for path in sorted(Path(sys.argv[1]).glob("*.parquet")):
        spark.read.parquet(str(path)).write.mode("overwrite").saveAsTable(f"raw.{path.stem}")
    spark.stop()
""")

COUNT = textwrap.dedent("""
    import json
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").config("spark.sql.ansi.enabled", "false")
             .enableHiveSupport().getOrCreate())
    rows = spark.sql("select rule_code, count(*) as n, cast(coalesce(sum(amount), 0) as string) as total "
                     "from marts.risk_flags group by rule_code").collect()
    print("COUNTS=" + json.dumps({r["rule_code"]: [r["n"], "%.2f" % float(r["total"])] for r in rows}))
    spark.stop()
""")


def compare(warehouse: Path, python: Path, work: Path, models_only: bool = False) -> dict:
    """Run the dbt project on Spark over `warehouse`'s raw layer; flags and amounts per rule on both.

    `python`: the interpreter of an environment with pyspark and dbt-spark (its `dbt` beside it).
    Returns {"duckdb": {rule: [n, total]}, "spark": {...} or None, "not_ok": [(node, message)],
    "nodes": int, "seconds": float}.
    """
    import time

    export = work / "raw"
    export.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse), read_only=True)
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
    for t in tables:
        con.execute(f"copy raw.{t} to '{export / (t + '.parquet')}' (format parquet)")
    duck_counts = {code: [n, f"{float(total):.2f}"] for code, n, total in con.execute(
        "select rule_code, count(*), coalesce(sum(amount), 0) from marts.risk_flags group by 1").fetchall()}
    con.close()
    py = str(python)
    env = {**os.environ, "PYSPARK_PYTHON": py}
    env.pop("PENSION_RISK_DB", None)
    start = time.monotonic()
    subprocess.run([py, "-c", LOAD, str(export)], cwd=work, check=True, env=env, capture_output=True)
    dbt = str(Path(py).with_name("dbt"))
    command = ["build", "--exclude", "resource_type:test resource_type:unit_test" if models_only else "test_type:unit"]
    proc = subprocess.run(
        [dbt, *command, "--target", "spark", "--project-dir", str(REPO / "dbt_project"),
         "--profiles-dir", str(REPO / "dbt_project"), "--target-path", str(work / "target"),
         "--log-path", str(work / "logs")],
        cwd=work, env=env, capture_output=True, text=True,
    )
    (work / "dbt_spark.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    bad = [(r["unique_id"], (r.get("message") or "")[:300]) for r in results if r["status"] not in ("success", "pass")]
    spark_counts = None
    if proc.returncode == 0:
        out = subprocess.run([py, "-c", COUNT], cwd=work, env=env, capture_output=True, text=True, check=True).stdout
        spark_counts = json.loads(out.split("COUNTS=")[1].splitlines()[0])
    return {"duckdb": duck_counts, "spark": spark_counts, "not_ok": bad, "nodes": len(results),
            "seconds": time.monotonic() - start}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--warehouse", type=Path, required=True)
    p.add_argument("--spark-venv", type=Path, default=Path(sys.prefix),
                   help="environment with pyspark and dbt-spark (default: this one)")
    p.add_argument("--workdir", type=Path, default=None)
    p.add_argument("--models-only", action="store_true", help="seeds and models, no data tests")
    args = p.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="spark-smoke-"))
    result = compare(args.warehouse, args.spark_venv / "bin" / "python", work, args.models_only)
    print(f"dbt on Spark: {result['nodes']} nodes in {result['seconds']:.0f} s, {len(result['not_ok'])} not ok "
          f"(log: {work / 'dbt_spark.log'})")
    for uid, msg in result["not_ok"][:20]:
        print(f"  {uid}: {msg}")
    if result["spark"] is None:
        return 1
    same = result["spark"] == result["duckdb"]
    print("flags and amounts per rule, DuckDB vs Spark:", "identical" if same
          else f"{result['duckdb']} vs {result['spark']}")
    for code in sorted(result["duckdb"]):
        print(f"  {code}: DuckDB {result['duckdb'][code]}  Spark {result['spark'].get(code)}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
