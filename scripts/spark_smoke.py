"""Run the same dbt models on Spark (dbt-spark, local session) against a published warehouse's raw layer.

    # once: a separate environment with Spark (big download, kept out of the main one)
    python3 -m venv .venv-spark && .venv-spark/bin/pip install -e '.[spark]'
    .venv/bin/python scripts/spark_smoke.py --warehouse demo/warehouse.duckdb --spark-venv .venv-spark

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


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--warehouse", type=Path, required=True)
    p.add_argument("--spark-venv", type=Path, default=REPO / ".venv-spark")
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="spark-smoke-"))
    export = work / "raw"
    export.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    tables = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
    for t in tables:
        con.execute(f"copy raw.{t} to '{export / (t + '.parquet')}' (format parquet)")
    duck_counts = {code: [n, f"{float(total):.2f}"] for code, n, total in con.execute(
        "select rule_code, count(*), coalesce(sum(amount), 0) from marts.risk_flags group by 1").fetchall()}
    con.close()
    py = str(args.spark_venv / "bin" / "python")
    env = {**os.environ, "PYSPARK_PYTHON": py}
    subprocess.run([py, "-c", LOAD, str(export)], cwd=work, check=True, env=env)
    dbt = str(args.spark_venv / "bin" / "dbt")
    proc = subprocess.run(
        [dbt, "build", "--target", "spark", "--exclude", "test_type:unit", "--project-dir", str(REPO / "dbt_project"),
         "--profiles-dir", str(REPO / "dbt_project"), "--target-path", str(work / "target")],
        cwd=work, env=env, capture_output=True, text=True,
    )
    (work / "dbt_spark.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    bad = [(r["unique_id"], (r.get("message") or "")[:200]) for r in results if r["status"] not in ("success", "pass")]
    print(f"dbt on Spark: {len(results)} nodes, {len(bad)} not ok (log: {work / 'dbt_spark.log'})")
    for uid, msg in bad[:20]:
        print(f"  {uid}: {msg}")
    if proc.returncode == 0:
        out = subprocess.run([py, "-c", COUNT], cwd=work, env=env, capture_output=True, text=True, check=True).stdout
        spark_counts = json.loads(out.split("COUNTS=")[1].splitlines()[0])
        same = spark_counts == duck_counts
        print("flags and amounts per rule, DuckDB vs Spark:", "identical" if same else f"{duck_counts} vs {spark_counts}")
        return 0 if same else 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
