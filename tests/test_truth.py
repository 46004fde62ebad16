"""End to end against the generator's planted truth: every rule exact, for two seeds."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import pytest

from pension_risk.truth import compare, describe_problems, format_table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session", params=[7, 11], ids=["seed7", "seed11"])
def generated(request, tmp_path_factory):
    from pension_risk.generate import generate
    from pension_risk.pipeline import run_pipeline

    root = tmp_path_factory.mktemp(f"truth_seed{request.param}")
    generate(out=root / "landing", truth=root / "landing_truth", persons=3000, seed=request.param,
             as_of=dt.date(2021, 6, 30), batches=3)
    run_pipeline(root / "landing", root / "w.duckdb", quiet=True)
    return root


def test_every_rule_exact(generated):
    scores = compare(generated / "landing_truth", generated / "w.duckdb")
    print("\n" + format_table(scores))
    assert all(s.expected > 0 for s in scores), "every rule must have planted positives"
    assert all(s.exact for s in scores), describe_problems(scores)


def test_planted_data_quality_exceptions_are_found(generated):
    with (generated / "landing_truth" / "truth_exceptions.csv").open(encoding="utf-8") as fh:
        expected = {(r["batch_id"], r["file"], int(r["row_number"]), r["staged"] == "true") for r in csv.DictReader(fh)}
    con = duckdb.connect(str(generated / "w.duckdb"), read_only=True)
    found = set(con.execute("select batch_id, file, row_number, staged from marts.data_quality_exceptions").fetchall())
    audit = con.execute("select file, manifest_rows, staged_rows, exception_rows from marts.batch_audit "
                        "where status = 'accepted'").fetchall()
    con.close()
    assert expected and expected <= found
    assert all(m == s + e for _f, m, s, e in audit)
