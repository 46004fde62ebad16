"""Fault injection (issue 10): real `pension-risk run` processes, real files, real signals.

Every test asserts the exact outcome: who publishes, the exit code and message of
the others, that no process of a killed run is left, and that the published file
opens and holds exactly the previous or the new result (flags, amounts, audit rows).

Two warehouses are built once for the module (the contract example; the second
batch's persons.csv in GB18030 so that every run transcodes a file):
`prev` after batch 20210531, `new` = a single run of 20210630 on top of `prev`.
Kill points are reached by watching the run (its log, its dbt child) or by the
failpoint hook (PENSION_RISK_FAILPOINTS) where the window is too short to watch.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pension_risk import published
from tests.fault_helpers import (
    REPO,
    copy_batch,
    dbt_build_child,
    descendants,
    faults_landing,
    files_beside,
    kill_spawned,
    live_processes,
    lock_holder,
    python_proc,
    query,
    rehash,
    result_of,
    run_to_end,
    sha256,
    start_run,
    text_of,
    truncate_xlsx_sheet,
    wait_for,
)
from tests.landing_helpers import write_manifest

pytestmark = pytest.mark.faults


@pytest.fixture(autouse=True)
def _no_process_outlives_its_test():
    yield
    kill_spawned()

RUN_TIMEOUT = 900


@dataclass
class Base:
    landing: Path        # both batches
    prev: Path           # published after 20210531
    new: Path            # a single run of the whole landing on top of prev
    prev_result: dict
    new_result: dict


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    root = tmp_path_factory.mktemp("faults_base")
    first = faults_landing(root / "landing1", ["20210531"])
    landing = faults_landing(root / "landing")
    (root / "prev").mkdir()
    prev = root / "prev" / "w.duckdb"
    rc, err = run_to_end(first, prev, "prev", RUN_TIMEOUT)
    assert rc == 0, err
    (root / "new").mkdir()
    new = root / "new" / "w.duckdb"
    shutil.copyfile(prev, new)
    rc, err = run_to_end(landing, new, "new", RUN_TIMEOUT)
    assert rc == 0, err
    base = Base(landing, prev, new, result_of(prev), result_of(new))
    assert base.prev_result["as_of"][0][0] == "20210531" and base.new_result["as_of"][0][0] == "20210630"
    assert base.prev_result["flags"] != base.new_result["flags"]
    return base


def _fresh(tmp_path: Path, source: Path | None, name: str = "wh") -> Path:
    d = tmp_path / name
    d.mkdir()
    w = d / "w.duckdb"
    if source is not None:
        shutil.copyfile(source, w)
    return w


def _assert_lock_message(stderr: str, warehouse: Path, holder_pid: int) -> None:
    lines = [line for line in stderr.strip().splitlines() if "error" in line]
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("pension-risk run: error: another run is writing"), line
    assert f"the lock {warehouse.with_name('.w.duckdb.lock')} is held by pid {holder_pid}" in line, line
    assert "this run did nothing" in line and "Traceback" not in stderr


def _start_reader(warehouse: Path, tmp_path: Path, tag: str, hold: bool = False):
    stop, out = tmp_path / f"{tag}.stop", tmp_path / f"{tag}.jsonl"
    args = ["reader", str(warehouse), str(stop), str(out)] + (["--hold"] if hold else [])
    return python_proc(*args), stop, out


def _stop_reader(proc, stop: Path, out: Path) -> list[dict]:
    stop.write_text("stop")
    assert proc.wait(timeout=60) == 0
    return [json.loads(line) for line in out.read_text().splitlines() if line.strip()]


def _no_process_left(run, run_id: str, also: list[int]) -> None:
    def gone():
        return not live_processes(run.pid, run_id) and not [p for p in also if p in live_processes(pid=p)]

    wait_for(gone, 15, f"every process of run {run_id} to be gone")


# ------------------------------------------------------------------ one writer


def test_two_runs_on_one_warehouse_one_publishes_the_others_exit_1(base, tmp_path):
    """Two runs at 0 s, more at random points of the winner's build: one publishes, each other exits 1
    naming the lock and the winner; the published data equal a single run's; a reader never fails."""
    w = _fresh(tmp_path, base.prev)
    release = tmp_path / "release"
    reader, stop, out = _start_reader(w, tmp_path, "reader")
    env = {"PENSION_RISK_FAILPOINT_RELEASE": str(release)}
    a = start_run(base.landing, w, "a", failpoints="before-publish", env=env)
    b = start_run(base.landing, w, "b", failpoints="before-publish", env=env)
    loser = wait_for(lambda: next((r for r in (a, b) if r.proc.poll() is not None), None), 180, "a run to lose the lock")
    winner = b if loser is a else a
    assert loser.proc.returncode == 1, loser.stderr()
    holder = lock_holder(w)
    assert holder["pid"] == winner.pid and winner.proc.poll() is None
    _assert_lock_message(loser.stderr(), w, winner.pid)

    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    contenders = []
    # at random points of the build (ingest/dbt), then while it waits between dbt and publish
    for k, delay in enumerate(sorted(rng.uniform(0, 20) for _ in range(2))):
        time.sleep(max(0.0, delay - (time.monotonic() - winner.started)))
        if "failpoint before-publish reached" in text_of(winner.log):
            break
        contenders.append(start_run(base.landing, w, f"c{k}", env=env))
    wait_for(lambda: "failpoint before-publish reached" in text_of(winner.log), RUN_TIMEOUT, "the winner's build")
    contenders.append(start_run(base.landing, w, "c-between", env=env))
    building = published.building_path(w, holder["run_id"])
    for c in contenders:
        assert c.wait(180) == 1, f"seed {seed}: {c.stderr()}"
        _assert_lock_message(c.stderr(), w, winner.pid)
    # the losers touched nothing of the winner: its building file, its log
    assert building.exists()
    assert text_of(winner.log).startswith("[pension-risk") and f"run {holder['run_id']}" in text_of(winner.log)
    release.write_text("go")
    assert winner.wait(RUN_TIMEOUT) == 0, winner.stderr()
    answers = _stop_reader(reader, stop, out)

    assert result_of(w) == base.new_result
    assert query(w, "select run_id from marts.publish_info") == [(holder["run_id"],)]
    assert files_beside(w) == {"w.duckdb", ".w.duckdb.lock", "w.duckdb.run.log", "w.duckdb.quality.html"}
    assert answers and not [x for x in answers if "error" in x], [x for x in answers if "error" in x][:3]
    versions = {x["run_id"] for x in answers}
    assert versions <= {query(base.prev, "select run_id from marts.publish_info")[0][0], holder["run_id"]}


def test_a_held_lock_fails_fast_naming_the_holder_and_touches_nothing(base, tmp_path):
    w = _fresh(tmp_path, base.new)
    (w.parent / "w.duckdb.run.log").write_text("the log of the run that holds the lock\n")
    ready = tmp_path / "ready"
    holder = python_proc("hold-lock", str(w), str(ready))
    try:
        wait_for(ready.exists, 60, "the lock holder")
        before = {p.name: sha256(p) for p in w.parent.iterdir() if p.is_file() and not p.name.endswith(".lock")}
        started = time.monotonic()
        rc, err = run_to_end(base.landing, w, "second", 120)
        assert rc == 1
        _assert_lock_message(err, w, holder.pid)
        assert time.monotonic() - started < 60
        after = {p.name: sha256(p) for p in w.parent.iterdir() if p.is_file() and not p.name.endswith(".lock")}
        assert {k: v for k, v in after.items() if not k.startswith("second.")} == before
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------------ kill -9


KILL_POINTS = [
    ("ingest", "ingest"),                  # transcoding 20210630/persons.csv (GB18030), batch transaction open
    ("dbt", None),                         # dbt build running: watched, not hooked
    ("before-publish", "before-publish"),  # dbt and the checks done, publish not begun
    ("publish", "publish"),                # marker written and fsynced, just before os.replace
    ("after-replace", "after-replace"),    # replaced, before the run released its lock
]


def test_kill_9_at_each_point_then_the_next_run_publishes(base, tmp_path):
    w = _fresh(tmp_path, base.prev)
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}
    previous_sha = sha256(w)
    leftover: Path | None = None
    for point, hook in KILL_POINTS:
        run = start_run(base.landing, w, f"kill-{point}", failpoints=hook, env=env)
        if hook:
            wait_for(lambda run=run, hook=hook: f"failpoint {hook} reached" in text_of(run.log)
                     or run.proc.poll() is not None, RUN_TIMEOUT, f"failpoint {hook}")
        else:
            wait_for(lambda run=run: dbt_build_child(run.pid) or run.proc.poll() is not None, RUN_TIMEOUT,
                     "dbt build to start")
            wait_for(lambda run=run: "START sql" in text_of(run.log) or run.proc.poll() is not None, 120,
                     "dbt to write models")
        assert run.proc.poll() is None, f"{point}: the run ended early: {run.stderr()}"
        holder = lock_holder(w)
        assert holder["pid"] == run.pid
        rid = holder["run_id"]
        if leftover is not None:  # the previous killed run's building file: removed by this run, not published
            assert not leftover.exists()
            assert f"removed {leftover.name}, left by an earlier run" in text_of(run.log)
        children = descendants(run.pid)
        if point == "dbt":
            assert dbt_build_child(run.pid) in children
        run.kill9()
        _no_process_left(run, rid, children)
        assert _transcoding_leftovers(w, scratch) == [], point
        assert not (w.parent / "w.duckdb.wal").exists()
        if point == "after-replace":
            assert result_of(w) == base.new_result
            assert query(w, "select run_id from marts.publish_info") == [(rid,)]
            leftover = None
        else:
            assert sha256(w) == previous_sha, f"{point}: the published file changed"
            assert result_of(w) == base.prev_result
            leftover = published.building_path(w, rid)
            assert leftover.exists(), f"{point}: expected the killed run's building file"

    # then: a stale WAL beside the published file (a read-write session that crashed) and leftover
    # building files of other runs, one of them a complete build: the next run publishes its own
    assert python_proc("stale-wal", str(w)).wait(60) == -signal.SIGKILL
    assert (w.parent / "w.duckdb.wal").exists()
    fake = published.building_path(w, "someone-else")
    shutil.copyfile(base.new, fake)
    con = duckdb.connect(str(fake))
    con.execute("update marts.publish_info set run_id = 'someone-else'")
    con.close()
    legacy = w.with_name(".w.duckdb.building")
    shutil.copyfile(base.prev, legacy)
    rc, err = run_to_end(base.landing, w, "final", RUN_TIMEOUT, env=env)
    assert rc == 0, err
    assert result_of(w) == base.new_result
    final_id = query(w, "select run_id from marts.publish_info")[0][0]
    assert final_id not in ("someone-else",) and final_id == lock_holder(w)["run_id"]
    assert not (w.parent / "w.duckdb.wal").exists()
    assert not fake.exists() and not legacy.exists()
    assert files_beside(w) == {"w.duckdb", ".w.duckdb.lock", "w.duckdb.run.log", "w.duckdb.quality.html"}
    assert "removed stale w.duckdb.wal" in text_of(w.with_name("w.duckdb.run.log"))
    assert _transcoding_leftovers(w, scratch) == []


def test_dbt_killed_mid_build_fails_the_run_naming_the_files_it_keeps(base, tmp_path):
    """The dbt child killed by a real SIGKILL while it writes models: the run exits 1 with one line
    naming dbt's directory for this invocation, which is kept for whoever looks into it (a successful
    invocation's is removed: tests/test_pipeline.py); the published file is untouched."""
    w = _fresh(tmp_path, base.prev)
    previous_sha = sha256(w)
    run = start_run(base.landing, w, "dbt-killed")
    wait_for(lambda: dbt_build_child(run.pid) or run.proc.poll() is not None, RUN_TIMEOUT, "dbt build to start")
    wait_for(lambda: "START sql" in text_of(run.log) or run.proc.poll() is not None, 120, "dbt to write models")
    child = dbt_build_child(run.pid)
    assert child and run.proc.poll() is None, run.stderr()
    os.kill(child, signal.SIGKILL)
    assert run.wait(RUN_TIMEOUT) == 1
    err = run.stderr()
    named = re.findall(r"dbt's files: (/\S+?)\)", err)
    assert len(named) == 1, err
    kept = Path(named[0])
    try:
        assert kept.parent == REPO / "dbt_project" / "target", kept
        assert kept.is_dir() and any(kept.iterdir()), f"{kept}: not kept"
        errors = [line for line in err.splitlines() if "error" in line]
        assert len(errors) == 1 and errors[0].startswith("pension-risk run: error: ") and "Traceback" not in err, err
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    assert sha256(w) == previous_sha
    assert result_of(w) == base.prev_result


def _transcoding_leftovers(w: Path, scratch: Path) -> list[str]:
    """Transcoded (GB18030 -> UTF-8) copies of landing files: none may survive a run, however it ended."""
    names = [p.name for d in (w.parent, scratch) for p in d.rglob("*")]
    return [n for n in names if "transcode" in n or "pension-risk-ingest" in n or n.endswith("persons.csv")]


# ------------------------------------------------------------------ stale state, publish-only


def test_stale_wal_never_makes_the_new_file_unreadable(base, tmp_path):
    w = _fresh(tmp_path, base.new)
    assert python_proc("stale-wal", str(w)).wait(60) == -signal.SIGKILL
    wal = w.with_name("w.duckdb.wal")
    assert wal.exists()
    # what used to happen: the WAL beside a replaced file makes every reader fail
    broken = _fresh(tmp_path, None, "broken")
    shutil.copyfile(wal, broken.with_name("w.duckdb.wal"))
    shutil.copyfile(base.prev, broken)
    with pytest.raises(duckdb.Error, match="WAL"):
        duckdb.connect(str(broken), read_only=True)

    expect = tmp_path / "expect.json"
    assert python_proc("publisher", str(w), "1", str(expect)).wait(120) == 0
    assert not wal.exists()
    (run_id, (count, total)), = json.loads(expect.read_text()).items()
    assert query(w, "select run_id from marts.publish_info") == [(run_id,)]
    assert query(w, "select count(*) from marts.risk_flags") == [(count,)]
    assert query(w, "select count(*) from information_schema.tables where table_name = 'scratch'") == [(0,)]


def test_a_read_write_session_on_the_published_file_blocks_the_publish_with_a_clear_error(base, tmp_path):
    w = _fresh(tmp_path, base.new)
    ready = tmp_path / "ready"
    writer = python_proc("hold-writer", str(w), str(ready))
    try:
        wait_for(ready.exists, 60, "the read-write session")
        before = sha256(w)
        rc, err = run_to_end(base.landing, w, "blocked", RUN_TIMEOUT)
        assert rc == 1
        assert f"{w} is open read-write by process {writer.pid}" in err and "nothing" in err, err
        assert sha256(w) == before
        assert files_beside(w) <= {"w.duckdb", "w.duckdb.wal", ".w.duckdb.lock", "w.duckdb.run.log",
                                   "w.duckdb.quality.html"}
    finally:
        writer.kill()
        writer.wait()


def test_publish_only_materialization_publishes_nothing(base, tmp_path):
    w = _fresh(tmp_path, base.prev)
    before = sha256(w)
    # leftovers: a complete build of another run, and a half-built file without the marts
    other = published.building_path(w, "other-run")
    shutil.copyfile(base.new, other)
    con = duckdb.connect(str(other))
    con.execute("update marts.publish_info set run_id = 'other-run'")
    con.close()
    half = w.with_name(".w.duckdb.building")
    shutil.copyfile(base.prev, half)
    con = duckdb.connect(str(half))
    con.execute("drop table marts.summary_basic")
    con.close()
    proc = python_proc("publish-only", str(w), str(base.landing), stderr=subprocess.PIPE, text=True)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert "refusing to publish: this run did not build" in err, err
    assert sha256(w) == before
    assert result_of(w) == base.prev_result
    # the publish-only run held the lock: it cleared what dead runs left, and left nothing itself
    assert not other.exists() and not half.exists()
    assert files_beside(w) == {"w.duckdb", ".w.duckdb.lock"}


def test_mark_complete_and_publish_refuse_anything_but_this_runs_completed_build(base, tmp_path):
    w = _fresh(tmp_path, base.prev)
    before = sha256(w)
    lock = published.acquire(w, run_id="check-run")
    try:
        with pytest.raises(published.BuildIncomplete, match="no building file of run check-run"):
            published.mark_complete(lock, published.dbt_relations())
        # another run's complete build under this run's name: not this run's
        shutil.copyfile(base.new, lock.building)
        with pytest.raises(published.BuildIncomplete, match="belongs to run"):
            published.mark_complete(lock, published.dbt_relations())
        with pytest.raises(published.BuildIncomplete, match="not a completed build of run check-run"):
            published.publish(lock)
        # this run's copy, but a model missing
        published.prepare_building(lock)
        con = duckdb.connect(str(lock.building))
        con.execute("drop table marts.summary_basic")
        con.close()
        with pytest.raises(published.BuildIncomplete, match=r"1 relation\(s\) missing \(marts.summary_basic\)"):
            published.mark_complete(lock, published.dbt_relations())
        with pytest.raises(published.BuildIncomplete):
            published.publish(lock)
        assert sha256(w) == before
    finally:
        published.discard_building(lock)
        published.release(lock)


# ------------------------------------------------------------------ readers during publishes


def test_a_reader_during_ten_publishes_never_fails_and_each_answer_is_one_version(base, tmp_path):
    w = _fresh(tmp_path, base.new)
    first = query(w, "select (select run_id from marts.publish_info), count(*), "
                     "coalesce(sum(coalesce(amount, 0)), 0)::varchar from marts.risk_flags")[0]
    expect = tmp_path / "expect.json"
    fresh_reader, stop1, out1 = _start_reader(w, tmp_path, "fresh")
    held_reader, stop2, out2 = _start_reader(w, tmp_path, "held", hold=True)
    time.sleep(1.0)
    publisher = python_proc("publisher", str(w), "10", str(expect))
    assert publisher.wait(300) == 0
    time.sleep(0.5)
    fresh, held = _stop_reader(fresh_reader, stop1, out1), _stop_reader(held_reader, stop2, out2)
    versions = {first[0]: [first[1], first[2]], **json.loads(expect.read_text())}
    assert len(versions) == 11
    for answers in (fresh, held):
        errors = [a for a in answers if "error" in a]
        assert answers and not errors, errors[:3]
        for a in answers:
            assert [a["count"], a["sum"]] == versions[a["run_id"]], a  # the data of exactly that version
    seen = [a["run_id"] for a in fresh]
    assert len(set(seen)) >= 4, f"the fresh reader saw too few versions: {sorted(set(seen))}"
    assert seen == sorted(seen, key=list(versions).index)  # never back to an older version
    assert query(w, "select run_id from marts.publish_info")[0][0] == list(versions)[-1]
    # a process holding a connection keeps reading its version, and says which one it is
    assert {a["run_id"] for a in held} == {first[0]}


# ------------------------------------------------------------------ corrupt, slow and retried batches


def test_corrupt_slow_and_retried_batches(base, tmp_path):
    """Every corrupt-file case (issue 2's list, a truncated xlsx) is a rejection of its batch with the
    file and reason, the earlier data published intact (exit 3); a batch still being copied is rejected,
    then tried again and accepted once its copy completes."""
    from tests.test_ingest_rejections import CASES

    w = _fresh(tmp_path, base.new)
    landing = tmp_path / "landing"
    shutil.copytree(base.landing, landing)
    expected = {}
    for day, (corrupt, file, fragment) in enumerate(CASES, start=2):
        batch = f"202107{day:02d}"
        folder = copy_batch(landing, "20210630", batch)
        corrupt(folder)
        expected[batch] = (file, fragment)
    # 20210701 is being copied: manifest and all files there, payouts.csv half-way
    slow_src = copy_batch(landing, "20210630", "20210701")
    slow = landing / "_incoming"
    slow_src.rename(slow)
    target = landing / "20210701"
    target.mkdir()
    shutil.copyfile(slow / "manifest.json", target / "manifest.json")
    for f in slow.iterdir():
        if f.name not in ("manifest.json", "payouts.csv"):
            shutil.copyfile(f, target / f.name)
    payouts = (slow / "payouts.csv").read_bytes()
    (target / "payouts.csv").write_bytes(payouts[: len(payouts) // 3])
    shutil.rmtree(slow)

    rc, err = run_to_end(landing, w, "corrupt", RUN_TIMEOUT)
    assert rc == 3, err
    assert result_of(w)["flags"] == base.new_result["flags"]
    assert query(w, "select batch_id from intermediate.int_as_of") == [("20210630",)]
    audit = {(b, f): (s, r) for b, f, s, r in query(
        w, "select batch_id, file, status, reason from marts.batch_audit where batch_id > '20210630'")}
    for batch, (file, fragment) in expected.items():
        assert f"batch {batch}/{file} rejected" in err and fragment in err, (batch, fragment)
        assert {s for (b, _f), (s, _r) in audit.items() if b == batch} == {"rejected"}
        if file != "manifest.json":
            assert fragment in audit[(batch, file)][1], (batch, audit[(batch, file)])
    assert audit[("20210701", "payouts.csv")][0] == "rejected"
    assert "still being copied?" in audit[("20210701", "payouts.csv")][1]
    assert [r for r in base.new_result["audit"]] == [r for r in result_of(w)["audit"] if r[0] <= "20210630"]

    # the sensor waits while the copy goes on, fires once it has been quiet
    from orchestration.sensors import evaluate, pending_batches

    assert [b for b, _s in pending_batches(landing, w)] == []  # nothing changed since the rejections
    writer = python_proc_copy(payouts, target / "payouts.csv")
    look = evaluate(landing, w, {}, quiet=2.0)
    while writer.poll() is None:
        look = evaluate(landing, w, look.state, quiet=2.0)
        assert look.ready == [], "fired while the batch was still being copied"
        time.sleep(0.1)
    assert writer.returncode == 0
    look = evaluate(landing, w, look.state, quiet=2.0)
    assert look.ready == [] and "20210701" in look.waiting[0]
    time.sleep(2.2)
    look = evaluate(landing, w, look.state, quiet=2.0)
    assert [b for b, _s in look.ready] == ["20210701"]

    rc, err = run_to_end(landing, w, "retry", RUN_TIMEOUT)
    assert rc == 3, err  # the other batches are still rejected (their files did not change)
    versions = query(w, "select batch_id, batch_version, status from raw.batches where batch_id > '20210630' "
                        "order by 1, 2")
    assert ("20210701", 1, "rejected") in versions and ("20210701", 2, "accepted") in versions
    assert len([v for v in versions if v[0] != "20210701"]) == len(expected)  # not tried again
    assert query(w, "select batch_id from intermediate.int_as_of") == [("20210701",)]
    assert "batch 20210701 (version 2): accepted" in err
    assert pending_batches(landing, w) == []


def python_proc_copy(data: bytes, dst: Path) -> subprocess.Popen:
    """Another process finishes a slow copy: appends the rest of `data` to `dst` in chunks."""
    script = (
        "import sys, time\n"
        "data = open(sys.argv[1], 'rb').read(); dst = sys.argv[2]\n"
        "have = len(open(dst, 'rb').read())\n"
        "step = max(1, (len(data) - have) // 8)\n"
        "with open(dst, 'ab') as fh:\n"
        "    for i in range(have, len(data), step):\n"
        "        fh.write(data[i:i + step]); fh.flush(); time.sleep(0.3)\n"
    )
    src = dst.parent.parent / "_payouts.full"
    src.write_bytes(data)
    return subprocess.Popen([sys.executable, "-c", script, str(src), str(dst)])


def test_truncated_xlsx_and_rehash_helpers_make_what_they_say(tmp_path):
    """The helpers the rejection cases rely on (quick, no run)."""
    landing = faults_landing(tmp_path / "l", ["20210630"])
    folder = landing / "20210630"
    truncate_xlsx_sheet(folder / "staff.xlsx")
    rehash(folder, "staff.xlsx")
    doc = json.loads((folder / "manifest.json").read_text())
    assert {e["name"]: e["sha256"] for e in doc["files"]}["staff.xlsx"] == sha256(folder / "staff.xlsx")
    write_manifest  # noqa: B018 - re-exported helper used by the cases
