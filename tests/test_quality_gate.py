"""The batch-level quality gate on real deliveries (issue 11).

A generated landing of nine monthly batches (800 persons): the first two are published
first. Then six batches arrive in one run, each with one thing that really goes wrong with
upstream extracts, plus a seventh with a drop that only warns:

  20201231  payouts.csv with a third of its rows            -> row_count, payout_volume (block)
  20210131  40 % of the payouts' amounts unreadable          -> rejected_share (block)
  20210228  amounts of scheme 170 ten times their level      -> amount_level (block)
  20210331  payouts.reviewed_by suddenly all empty           -> null_rate (block)
  20210430  a fifth of the persons gone from the snapshot    -> keys_vanished (block)
  20210531  a tenth of the payouts name unknown persons      -> reference_coverage (block)
  20210630  operations.csv with 40 % of the usual rows       -> row_count (warn): published

Each blocked batch is rejected like a structural problem (batch_audit, exit 3, its rows in no
table); the warned one is published with its warning in marts.quality_checks and on the
dashboard. With on_block = stop_run the marts are never started (Dagster's event log) and
the published file stays byte for byte.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pension_risk.cli import main
from tests.landing_helpers import copy_landing, write_manifest

REPO = Path(__file__).resolve().parents[1]
FIRST = ["20201031", "20201130"]
BLOCKED = {
    "20201231": ("payouts.csv", {"row_count", "payout_volume"}),
    "20210131": ("payouts.csv", {"rejected_share"}),
    "20210228": ("payouts.csv", {"amount_level"}),
    "20210331": ("payouts.csv", {"null_rate"}),
    "20210430": ("persons.csv", {"keys_vanished"}),
    "20210531": ("payouts.csv", {"reference_coverage(person_id)"}),
}
WARNED = "20210630"


# ------------------------------------------------------------------ editing a delivered file

def _read_csv(path: Path) -> tuple[list[str], list[dict], str, str]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    newline = "\r\n" if "\r\n" in text[:2000] else "\n"
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames), list(reader), encoding, newline


def edit_csv(folder: Path, name: str, change) -> None:
    """Rewrite one file of a batch through `change(rows) -> rows`, then its manifest."""
    path = folder / name
    header, rows, encoding, newline = _read_csv(path)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator=newline)
    writer.writeheader()
    writer.writerows(change(rows))
    path.write_bytes(out.getvalue().encode(encoding))
    write_manifest(folder)


def _schemes(folder: Path) -> dict[str, str]:
    _h, rows, _e, _n = _read_csv(folder / "benefits.csv")
    return {r["benefit_id"]: r["scheme_code"] for r in rows}


def spoil(landing: Path) -> None:
    """The six blocked deliveries and the warned one (module docstring)."""
    edit_csv(landing / "20201231", "payouts.csv", lambda rows: rows[::3])
    edit_csv(landing / "20210131", "payouts.csv",
             lambda rows: [dict(r, amount="abc") if i % 5 < 2 else r for i, r in enumerate(rows)])
    scheme = _schemes(landing / "20210228")
    edit_csv(landing / "20210228", "payouts.csv", lambda rows: [
        dict(r, amount=f"{float(r['amount']) * 10:.2f}") if scheme.get(r["benefit_id"]) == "170" else r
        for r in rows])
    edit_csv(landing / "20210331", "payouts.csv", lambda rows: [dict(r, reviewed_by="") for r in rows])
    edit_csv(landing / "20210430", "persons.csv", lambda rows: [r for i, r in enumerate(rows) if i % 5])
    edit_csv(landing / "20210531", "payouts.csv", lambda rows: [
        dict(r, person_id=f"P8{i:06d}") if i % 10 == 0 else r for i, r in enumerate(rows)])
    edit_csv(landing / WARNED, "operations.csv", lambda rows: rows[: len(rows) * 2 // 5])


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gate") / "generated"
    assert main(["generate", "--persons", "800", "--seed", "11", "--batches", "9", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def first_published(generated, tmp_path_factory) -> Path:
    """The warehouse of the first two (good) batches."""
    root = tmp_path_factory.mktemp("first")
    landing = copy_landing(generated, root / "landing", batches=FIRST)
    warehouse = root / "warehouse.duckdb"
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    return warehouse


def _copy_warehouse(src: Path, root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    dst = root / src.name
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture(scope="module")
def gated(generated, first_published, tmp_path_factory):
    """The seven deliveries in one run on a copy of the first warehouse."""
    root = tmp_path_factory.mktemp("gated")
    landing = copy_landing(generated, root / "landing")
    spoil(landing)
    warehouse = _copy_warehouse(first_published, root)
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["run", "--landing", str(landing), "--warehouse", str(warehouse)])
    return code, err.getvalue(), warehouse, landing


def _rows(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------ reject_batch (default)

def test_blocked_batches_are_rejected_and_the_run_exits_3(gated):
    code, err, warehouse, _landing = gated
    assert code == 3, err
    status = dict(_rows(warehouse, "select batch_id, status from raw.batches where batch_version = 1"))
    assert {b: status[b] for b in BLOCKED} == dict.fromkeys(BLOCKED, "rejected")
    assert status[WARNED] == "accepted" and status[FIRST[1]] == "accepted"
    for batch_id in BLOCKED:
        assert f"batch {batch_id} (version 1): rejected — 质量校验" in err, err


@pytest.mark.parametrize("batch_id", sorted(BLOCKED))
def test_each_real_world_failure_is_named_with_its_figures(gated, batch_id):
    """batch_audit says rejected, naming the check, the file and the observed and expected figures."""
    _code, _err, warehouse, _landing = gated
    file, checks = BLOCKED[batch_id]
    reasons = _rows(warehouse, "select reason from marts.batch_audit where batch_id = ? and file = ? "
                               "and status = 'rejected'", [batch_id, file])
    assert len(reasons) == 1
    reason = reasons[0][0]
    assert any(f"质量校验 {c}（" in reason for c in checks) and f"未通过：{file}，" in reason, reason
    assert "实测" in reason and "期望" in reason
    failed = _rows(warehouse, "select check_name, severity, observed, expected from marts.quality_checks "
                              "where batch_id = ? and file = ? and not passed", [batch_id, file])
    assert checks <= {f[0] for f in failed}, failed
    assert {f[1] for f in failed if f[0] in checks} == {"block"}


def test_the_figures_are_the_delivered_ones(gated):
    _code, _err, warehouse, _landing = gated
    observed = dict(_rows(warehouse, "select batch_id || ' ' || check_name, observed from marts.quality_checks "
                                     "where not passed"))
    # a third of ~710 payouts; 2 rows in 5 unreadable; the amounts of scheme 170 x10; every reviewer gone
    row_count = re.search(r"为批次 20201130 的 ([\d.]+) 倍", observed["20201231 row_count"])
    assert row_count and 0.32 <= float(row_count[1]) <= 0.35, observed["20201231 row_count"]
    share = re.search(r"行中拒收 [\d,]+ 行（([\d.]+)%）", observed["20210131 rejected_share"])
    assert share and 39.5 <= float(share[1]) <= 41.0, observed["20210131 rejected_share"]  # 2 in 5, +the few bad rows
    amount = re.search(r"险种 170 .*为前 12 个月的 ([\d.]+) 倍", observed["20210228 amount_level"])
    assert amount and 9.0 < float(amount[1]) < 11.0, observed["20210228 amount_level"]
    assert "reviewed_by 空值 100.0%（批次 20201130：0.0%）" in observed["20210331 null_rate"]
    vanished = re.search(r"的 ([\d,]+) 个 person_id 中缺失 (\d+) 个", observed["20210430 keys_vanished"])
    assert vanished and int(vanished[2]) == -(-int(vanished[1].replace(",", "")) // 5), observed["20210430 keys_vanished"]
    coverage = re.search(r"行中 ([\d.]+)% 的 person_id 在 persons.csv 中找到", observed["20210531 reference_coverage(person_id)"])
    assert coverage and 89.5 <= float(coverage[1]) <= 90.5, observed["20210531 reference_coverage(person_id)"]


def test_rejected_batches_are_in_no_table(gated):
    """Their rows left out everywhere: raw, staging, the exceptions, the rules."""
    _code, _err, warehouse, landing = gated
    blocked = sorted(BLOCKED)
    marks = ", ".join("?" for _ in blocked)
    for table in ("raw.payouts", "raw.persons"):
        assert _rows(warehouse, f"select count(*) from {table} where _batch_id in ({marks})", blocked) == [(0,)]
    for table in ("staging.stg_landing__payouts", "staging.stg_landing__persons",
                  "intermediate.int_payouts_current"):
        assert _rows(warehouse, f"select count(*) from {table} where _batch_id in ({marks})", blocked) == [(0,)]
    assert _rows(warehouse, f"select count(*) from marts.data_quality_exceptions where batch_id in ({marks})",
                 blocked) == [(0,)]
    # the batch whose reviewers vanished would have made every payout batch of March "unreviewed" (R09)
    _h, rows, _e, _n = _read_csv(landing / "20210331" / "payouts.csv")
    march_batches = sorted({r["batch_id"] for r in rows})
    assert march_batches
    flagged = _rows(warehouse, f"select count(*) from marts.risk_flags where rule_code = 'R09' and subject_id in "
                               f"({', '.join('?' for _ in march_batches)})", march_batches)
    assert flagged == [(0,)]
    assert _rows(warehouse, "select max(as_of) from intermediate.int_as_of") == [(__import__("datetime").date(2021, 6, 30),)]


def test_a_warning_is_published_and_shown(gated):
    _code, _err, warehouse, _landing = gated
    warned = _rows(warehouse, "select file, severity, observed, expected from marts.quality_checks "
                              "where batch_id = ? and not passed", [WARNED])
    assert [(w[0], w[1]) for w in warned] == [("operations.csv", "warn")], warned
    assert "为批次 20201130 的 0.3" in warned[0][2] and "的 0.5–2 倍" in warned[0][3]
    staged = _rows(warehouse, "select staged_rows from marts.batch_audit where batch_id = ? and file = 'operations.csv'",
                   [WARNED])
    assert staged and staged[0][0] > 0


def test_the_validation_report_lists_every_batch(gated):
    _code, _err, warehouse, _landing = gated
    report = warehouse.with_name(warehouse.name + ".quality.html")
    text = report.read_text(encoding="utf-8")
    assert (report.stat().st_mode & 0o777) == 0o640
    for batch_id in [*BLOCKED, WARNED, FIRST[1]]:
        assert f"批次 {batch_id}" in text
    assert text.count("已拒收") >= len(BLOCKED)
    assert "reviewed_by 空值 100.0%" in text


def test_quality_page_shows_the_warning_and_the_rejections(gated, monkeypatch):
    from pension_risk.cases import queries
    from tests.access_helpers import add_accounts, logged_in, open_page

    _code, _err, warehouse, _landing = gated
    add_accounts(queries.store_path(warehouse), ["leader"])
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("PENSION_RISK_CASES", raising=False)
    app = open_page(logged_in("leader"), "quality")
    assert not app.exception, [e.value for e in app.exception]
    checks = next(df.value for df in app.dataframe if "校验项" in df.value.columns)
    failed = checks[checks["结果"] == "未通过"]
    assert ("20210630", "operations.csv", "行数骤变", "警告") in {
        (r["批次"], r["文件"], r["校验项"], r["级别"]) for _i, r in failed.iterrows()}
    assert ("20210331", "payouts.csv", "字段突然为空", "阻断") in {
        (r["批次"], r["文件"], r["校验项"], r["级别"]) for _i, r in failed.iterrows()}
    assert [m.value for m in app.metric if m.label == "未通过（阻断）"] == [str(len(failed[failed["级别"] == "阻断"]))]
    assert any(b.label == "下载数据质量校验报告（HTML）" for b in app.get("download_button"))


def test_a_rejected_batch_is_not_tried_again_until_its_files_or_the_thresholds_change(gated, tmp_path, monkeypatch):
    _code, _err, warehouse, landing = gated
    second = _copy_warehouse(warehouse, tmp_path / "again")
    before = _rows(second, "select count(*) from raw.batches")
    assert main(["run", "--landing", str(landing), "--warehouse", str(second)]) == 3
    assert _rows(second, "select count(*) from raw.batches") == before  # nothing new: rejected before
    # the data team relaxes the payouts' empty-column threshold: the batch is judged again and accepted
    config = tmp_path / "relaxed.yml"
    text = (REPO / "expectations" / "batch_checks.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("    max_increase: 0.5\n", "    max_increase: 1.0\n"), encoding="utf-8")
    monkeypatch.setenv("PENSION_RISK_QUALITY_CONFIG", str(config))
    assert main(["run", "--landing", str(landing), "--warehouse", str(second)]) == 3
    assert _rows(second, "select batch_version, status from raw.batches where batch_id = '20210331' "
                         "order by batch_version") == [(1, "rejected"), (2, "accepted")]


# ------------------------------------------------------------------ stop_run

def test_stop_run_never_starts_the_marts_and_keeps_the_published_file(generated, first_published, tmp_path,
                                                                       monkeypatch, capsys):
    from dagster import DagsterEventType, DagsterInstance

    landing = copy_landing(generated, tmp_path / "landing", batches=[*FIRST, "20201231"])
    edit_csv(landing / "20201231", "payouts.csv", lambda rows: rows[::3])
    warehouse = _copy_warehouse(first_published, tmp_path / "w")
    digest = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    config = tmp_path / "stop.yml"
    text = (REPO / "expectations" / "batch_checks.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("on_block: reject_batch", "on_block: stop_run"), encoding="utf-8")
    monkeypatch.setenv("PENSION_RISK_QUALITY_CONFIG", str(config))
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "orchestration" / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse)]) == 1
    err = capsys.readouterr().err
    assert "nothing published" in err and "质量校验" in err and "payouts.csv" in err and "实测" in err
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == digest
    report = warehouse.with_name(warehouse.name + ".quality.html").read_text(encoding="utf-8")
    assert "stop_run" in report and "payout_volume" in report

    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        started = {r.event_log_entry.dagster_event.step_key for r in instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.STEP_START, limit=1000).records}
        assert {"staging_models", "quality__batch_gate"} <= started
        assert not started & {"screening_models", "published_warehouse"}, started
        materialized = {r.event_log_entry.dagster_event.asset_key.to_user_string() for r in
                        instance.get_records_for_run(run.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION,
                                                     limit=10_000).records}
        assert "staging/stg_landing__payouts" in materialized
        assert not [k for k in materialized if k.startswith(("intermediate/", "marts/"))]
        check = [r.event_log_entry.dagster_event.event_specific_data for r in instance.get_records_for_run(
            run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION, limit=10_000).records
            if r.event_log_entry.dagster_event.event_specific_data.check_name == "no_blocking_failure"]
        assert len(check) == 1 and not check[0].passed


# ------------------------------------------------------------------ configuration

def test_a_typo_in_the_thresholds_is_an_error_not_a_disabled_gate(tmp_path):
    from expectations.batch import QualityConfigError, load_config

    config = tmp_path / "typo.yml"
    text = (REPO / "expectations" / "batch_checks.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("  null_rate:", "  null_rates:"), encoding="utf-8")
    with pytest.raises(QualityConfigError, match="unknown check 'null_rates'"):
        load_config(config)
    config.write_text(text.replace("severity: block\n    max_share: 0.2", "severity: blocking\n    max_share: 0.2"),
                      encoding="utf-8")
    with pytest.raises(QualityConfigError, match="rejected_share: severity must be block or warn"):
        load_config(config)
    assert load_config()["on_block"] == "reject_batch"


def test_the_null_rate_suite_on_a_sample_finds_an_emptied_column(first_published, tmp_path):
    """A file larger than `sample_rows` is judged on a Bernoulli sample of about that many rows,
    each value handed to Great Expectations as present (1.0) or empty (null): the sample still
    finds a column emptied in most rows, and says how many rows it looked at."""
    from expectations.batch import Batch, check_null_rate, load_config

    warehouse = _copy_warehouse(first_published, tmp_path)
    config = {**load_config(), "sample_rows": 200}
    con = duckdb.connect(str(warehouse))
    try:
        batch = Batch(*con.execute("select batch_id, batch_version, as_of from raw.batches "
                                   "where batch_id = ?", [FIRST[1]]).fetchall()[0])
        delivered = con.execute("select count(*) from raw.persons where _batch_id = ?", [FIRST[1]]).fetchall()[0][0]
        assert delivered > 600  # larger than the sample: the sampled path
        clean = {r.file: r for r in check_null_rate(con, config, batch)}["persons.csv"]
        assert clean.passed, clean.observed
        sampled = re.search(r"随机抽样 ([\d,]+) / ([\d,]+) 行", clean.observed)
        assert sampled and int(sampled[2].replace(",", "")) == delivered, clean.observed
        assert 120 <= int(sampled[1]) <= 280, clean.observed  # about 200 of ~800 (binomial: sd ~12)
        # empty the phone numbers of nine in ten persons: over the 10 % the thresholds allow
        con.execute("update raw.persons set phone = ' ' where _batch_id = ? and _row_number % 10 <> 0", [FIRST[1]])
        emptied = {r.file: r for r in check_null_rate(con, config, batch)}["persons.csv"]
    finally:
        con.close()
    assert not emptied.passed
    share = re.search(r"phone 空值 ([\d.]+)%", emptied.observed)
    assert share and 80.0 <= float(share[1]) <= 97.0, emptied.observed
