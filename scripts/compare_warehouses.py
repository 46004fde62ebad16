"""Compare every intermediate and mart table of two warehouse files, row by row.

    .venv/bin/python scripts/compare_warehouses.py A.duckdb B.duckdb

For each table of A's `intermediate` and `marts` schemas: the rows in A and not in B and the rows
in B and not in A (EXCEPT ALL, duplicates counted), leaving out the columns that record when a
run happened. Exit 1 when any table differs. How a change to the models is shown to keep their
results (docs/PERFORMANCE.md): build the same data with the old and the new code, compare.
"""

from __future__ import annotations

import sys

import duckdb

#: columns that say when or by which run a table was built, not what it holds
RUN_COLUMNS = {"ingested_at", "checked_at", "built_at", "published_at", "run_id", "pid", "host"}


def compare(a: str, b: str) -> list[str]:
    """One line per table that differs (or cannot be compared); empty when all agree."""
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [a])
    con.execute("attach ? as b (read_only)", [b])
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'a' "
        "and schema_name in ('intermediate', 'marts') order by 1, 2").fetchall()
    differ = []
    for schema, table in tables:
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'a' and schema_name = ? "
            "and table_name = ? order by column_index", [schema, table]).fetchall() if c not in RUN_COLUMNS]
        cols = ", ".join(f'"{c}"' for c in columns)
        try:
            only_a, only_b = (con.execute(
                f"select count(*) from (select {cols} from {x}.{schema}.{table} "
                f"except all select {cols} from {y}.{schema}.{table})").fetchone()[0]
                for x, y in (("a", "b"), ("b", "a")))
        except duckdb.Error as e:
            differ.append(f"{schema}.{table}: {str(e).splitlines()[0]}")
            continue
        if only_a or only_b:
            differ.append(f"{schema}.{table}: {only_a} rows only in A, {only_b} only in B")
    print(f"{len(tables)} tables compared, {len(differ)} differ")
    return differ


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lines = compare(sys.argv[1], sys.argv[2])
    for line in lines:
        print(line)
    sys.exit(1 if lines else 0)
