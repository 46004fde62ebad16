"""Current-state tables kept from the previous build (dbt_project/macros/current_state.sql).

`intermediate.int_payouts_screened` replaces, in a nightly build, only the payouts the new batch
changes; `intermediate.int_person_month_totals` sums again only the months they touch;
`intermediate.int_exceptions_reported` checks only the new batch's rows and forgets the older
orphans the new batch makes known; `intermediate.int_operations_current` and
`intermediate.int_certifications_current` write only the new batch's rows, replacing the ones it corrects. These tests run the real pipeline on the contract example, first the older batch alone,
then a newer batch that corrects payouts and whose snapshot drops one person and adds another,
and check the kept table against what it must hold and against a rebuild from every staged row.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.landing_helpers import EXAMPLE, copy_landing, write_manifest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DBT_DIR = REPO / "dbt_project"
TABLE = "intermediate.int_payouts_screened"
TOTALS = "intermediate.int_person_month_totals"
EXCEPTIONS = "intermediate.int_exceptions_reported"
OPERATIONS = "intermediate.int_operations_current"
CERTIFICATIONS = "intermediate.int_certifications_current"
KEPT_TABLES = (TABLE, TOTALS, EXCEPTIONS, OPERATIONS, CERTIFICATIONS)
KEPT = "int_payouts_screened: kept from the previous build"
REBUILT = "int_payouts_screened: rebuilt from every staged row"
TOTALS_KEPT = "int_person_month_totals: kept from the previous build"
EXCEPTIONS_KEPT = "int_exceptions_reported: kept from the previous build"
LATEST_KEPT = ("int_operations_current: kept from the previous build",
               "int_certifications_current: kept from the previous build")

REMOVED_PERSON = "P0000003"  # has payouts in the older batch; absent from the newer snapshot
ORPHAN = ("PO202011099999101", "B0999991", "P0999991")  # payout, benefit, person unknown in the older batch
MOVED_OUT = "PO201901000000200"  # corrected to a month before screen_from
CORRECTED = "PO201901000000500"  # corrected amount
CORRECTED_OPERATION = ("L0000000002", "10.99.9.99")  # an older login re-delivered with another client_ip
CORRECTED_CERTIFICATION = ("RZ000000002", "2019-01-20")  # an older certification with another date


def _read_csv(path: Path) -> tuple[list[list[str]], str]:
    """The rows of a delivered CSV and its encoding (UTF-8 or GB18030, as EXTRACTS.md allows)."""
    raw = path.read_bytes()
    for encoding in ("utf-8", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(raw.decode(encoding)))), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{path}: neither UTF-8 nor GB18030")


def _edit_csv(path: Path, edit) -> None:
    rows, encoding = _read_csv(path)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(edit(rows[0], rows[1:]))
    path.write_bytes(out.getvalue().encode(encoding))


def _newer_batch(landing: Path) -> None:
    """The example's newer batch, edited: corrections, one person dropped, the orphan's person added."""
    folder = copy_landing(EXAMPLE, landing, batches=["20210630"]) / "20210630"
    older = EXAMPLE / "20210531"

    def persons(header, rows):
        template = next(r for r in rows if r[0] == "P0000001")
        added = [ORPHAN[2], *template[1:]]
        added[header.index("id_number")] = "34152319590110999X"
        return [header, *(r for r in rows if r[0] != REMOVED_PERSON), added]

    def benefits(header, rows):
        template = next(r for r in rows if r[0] == "B0000001")
        added = list(template)
        added[header.index("benefit_id")], added[header.index("person_id")] = ORPHAN[1], ORPHAN[2]
        return [header, *rows, added]

    older_payouts = {r[0]: r for r in _read_csv(older / "payouts.csv")[0]}

    def payouts(header, rows):
        moved = list(older_payouts[MOVED_OUT])
        for col in ("period_from", "period_to", "pay_month"):
            moved[header.index(col)] = "2018-12"
        corrected = list(older_payouts[CORRECTED])
        corrected[header.index("amount")] = "999.99"
        return [header, *rows, moved, corrected]

    _edit_csv(folder / "persons.csv", persons)
    _edit_csv(folder / "benefits.csv", benefits)
    def corrected(key, column, value, older_file):
        def edit(header, rows):
            row = list(next(r for r in _read_csv(older / older_file)[0] if r[0] == key))
            row[header.index(column)] = value
            return [header, *rows, row]
        return edit

    _edit_csv(folder / "payouts.csv", payouts)
    _edit_csv(folder / "operations.csv", corrected(CORRECTED_OPERATION[0], "client_ip", CORRECTED_OPERATION[1],
                                                   "operations.csv"))
    _edit_csv(folder / "certifications.csv", corrected(CORRECTED_CERTIFICATION[0], "certified_on",
                                                       CORRECTED_CERTIFICATION[1], "certifications.csv"))
    write_manifest(folder, as_of="2021-06-30")


def _q(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _dbt_run(db: Path, target: Path, **env) -> str:
    """`dbt run` of the kept table and the current state it reads on a warehouse file; dbt's output."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("PENSION_RISK_CODE_DIGEST", "PENSION_RISK_THROUGH_BATCH")}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--select", "int_batches_usable", "int_persons_current", "int_benefits_current",
         "int_payouts_screened", "int_person_month_totals", "int_exceptions_reported",
         "int_operations_current", "int_certifications_current",
         "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--target-path", str(target)],
        capture_output=True, text=True, cwd=DBT_DIR, env={**environ, "PENSION_RISK_DB": str(db), **env},
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


def _same_rows(a: Path, b: Path) -> tuple[int, ...]:
    """Rows of each kept table in one file and not in the other, both ways."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        return tuple(con.execute(f"select count(*) from (from {x}.{t} except all from {y}.{t})").fetchone()[0]
                     for t in KEPT_TABLES for x, y in (("a", "b"), ("b", "a")))
    finally:
        con.close()


def test_nightly_build_replaces_only_what_the_new_batch_changes_and_equals_a_rebuild(tmp_path):
    from pension_risk.pipeline import run_pipeline

    landing = copy_landing(EXAMPLE, tmp_path / "landing", batches=["20210531"])
    warehouse = tmp_path / "warehouse.duckdb"
    run_log = warehouse.with_name(warehouse.name + ".run.log")
    assert not run_pipeline(landing, warehouse, quiet=True).rejected
    older = dict(_q(warehouse, f"select payout_id, amount from {TABLE}"))
    assert len(older) == 1071  # the 1,072 delivered payouts but the orphan
    assert _q(warehouse, f"select count(*) from {TABLE} where person_id = '{REMOVED_PERSON}'") == [(29,)]
    assert ORPHAN[0] not in older and MOVED_OUT in older and str(older[CORRECTED]) == "252.66"
    orphan_reasons = f"select batch_id, reason from {EXCEPTIONS} where key = '{ORPHAN[0]}' order by reason"
    account_absent = ("20210531", "account_no account absent from bank_accounts: 34046119270000038")
    assert _q(warehouse, orphan_reasons) == [account_absent,
                                             ("20210531", f"benefit_id unknown benefit: {ORPHAN[1]}"),
                                             ("20210531", f"person_id unknown person: {ORPHAN[2]}")]
    older_exceptions = _q(warehouse, f"select count(*) from {EXCEPTIONS}")[0][0]

    _newer_batch(landing)
    assert [b["status"] for b in run_pipeline(landing, warehouse, quiet=True).batches] == ["skipped", "accepted"]
    log = run_log.read_text(encoding="utf-8")
    assert KEPT in log and TOTALS_KEPT in log and EXCEPTIONS_KEPT in log
    assert all(line in log for line in LATEST_KEPT)
    # the corrected older rows replaced by the newer batch's, each key once
    assert _q(warehouse, f"select client_ip, _batch_id from {OPERATIONS} where log_id = '{CORRECTED_OPERATION[0]}'") \
        == [(CORRECTED_OPERATION[1], "20210630")]
    assert _q(warehouse, f"select cast(certified_on as varchar) from {CERTIFICATIONS} "
                         f"where cert_id = '{CORRECTED_CERTIFICATION[0]}'") == [(CORRECTED_CERTIFICATION[1],)]
    assert _q(warehouse, f"select count(*) - count(distinct log_id) from {OPERATIONS}") == [(0,)]
    assert _q(warehouse, f"select count(*) - count(distinct cert_id) from {CERTIFICATIONS}") == [(0,)]
    now = dict(_q(warehouse, f"select payout_id, amount from {TABLE}"))
    assert _q(warehouse, f"select count(*) from {TABLE} where person_id = '{REMOVED_PERSON}'") == [(0,)]
    assert str(now[ORPHAN[0]]) == "52000.00"  # its person and benefit are known now
    assert MOVED_OUT not in now  # 2018-12 is before screen_from
    assert str(now[CORRECTED]) == "999.99"
    assert _q(warehouse, f"select count(*) - count(distinct payout_id) from {TABLE}") == [(0,)]
    assert _q(warehouse, f"select batch_id from {TABLE}__built_from order by 1") == [("20210531",), ("20210630",)]
    # the month the corrected payout left (2019-01) and the one the orphan joined (2020-11) summed again
    assert _q(warehouse, f"select month_total from {TOTALS} where person_id = '{ORPHAN[2]}'") == [(52000,)]
    assert _q(warehouse, f"select month_total from {TOTALS} where person_id = 'P0000002' "
                         "and pay_month = '2019-01-01'") == []
    assert _q(warehouse, f"select count(*) from {TOTALS} where person_id = '{REMOVED_PERSON}'") == [(0,)]
    # the orphan's person and benefit, delivered by the newer batch, are known: those two rows forgotten,
    # its account still absent; the older batch's other reported rows kept, the newer batch's own added
    assert _q(warehouse, orphan_reasons) == [account_absent]
    assert _q(warehouse, f"select count(*) from {EXCEPTIONS} where batch_id = '20210531'")[0][0] == older_exceptions - 2
    assert _q(warehouse, f"select count(*) from {EXCEPTIONS} where batch_id = '20210630'")[0][0] > 0
    digest = _q(warehouse, f"select distinct code_digest from {TABLE}__built_from")[0][0]

    # a rebuild from every staged row (dbt by hand, no code digest: the premise cannot hold)
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(warehouse, rebuilt)
    assert REBUILT in _dbt_run(rebuilt, tmp_path / "t1")
    assert _same_rows(warehouse, rebuilt) == (0,) * 10
    assert _q(rebuilt, f"select count(*) from {TABLE}")[0][0] == len(now)

    # a replay as of the older batch rebuilds (a batch it was built from is no longer usable) ...
    replayed = tmp_path / "replayed.duckdb"
    shutil.copyfile(warehouse, replayed)
    out = _dbt_run(replayed, tmp_path / "t2", PENSION_RISK_CODE_DIGEST=digest, PENSION_RISK_THROUGH_BATCH="20210531")
    assert REBUILT in out
    assert dict(_q(replayed, f"select payout_id, amount from {TABLE}")) == older
    # ... and the next build, with the newer batch usable again, builds on it
    assert KEPT in _dbt_run(replayed, tmp_path / "t3", PENSION_RISK_CODE_DIGEST=digest)
    assert _same_rows(warehouse, replayed) == (0,) * 10
    # other code: rebuilt, same rows
    assert REBUILT in _dbt_run(replayed, tmp_path / "t4", PENSION_RISK_CODE_DIGEST="other code")
    assert _same_rows(warehouse, replayed) == (0,) * 10
