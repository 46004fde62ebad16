"""Helpers of the fault-injection suite: real runs, their processes, and what they published."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tests.landing_helpers import EXAMPLE, copy_landing, write_manifest

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CLI = str(Path(sys.executable).with_name("pension-risk"))


# ------------------------------------------------------------------ data

def faults_landing(dst: Path, batches: list[str] | None = None) -> Path:
    """The contract example, with 20210630/persons.csv delivered in GB18030 (as county systems export),
    so that every run transcodes a file of the new batch."""
    landing = copy_landing(EXAMPLE, dst, batches)
    persons = landing / "20210630" / "persons.csv"
    if persons.exists():
        raw = persons.read_bytes()
        text = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
        persons.write_bytes(text.decode("utf-8").encode("gb18030"))
        write_manifest(landing / "20210630")
    return landing


def copy_batch(landing: Path, source: str, batch_id: str) -> Path:
    """A copy of a batch under another name, with a manifest that matches it."""
    dst = landing / batch_id
    dst.mkdir()
    for f in (landing / source).iterdir():
        shutil.copyfile(f, dst / f.name)
    write_manifest(dst)
    return dst


def rehash(folder: Path, name: str) -> None:
    """Make the manifest's sha256 of one file match its bytes (its row count left as it was)."""
    path = folder / "manifest.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    for entry in doc["files"]:
        if entry["name"] == name:
            entry["sha256"] = sha256(folder / name)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def truncate_xlsx_sheet(path: Path) -> None:
    """A valid zip whose first sheet's XML stops half-way (an interrupted export)."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]
            z.writestr(info.filename, data)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def result_of(path: Path) -> dict:
    """What a run published: flags with amounts, the audit rows, as_of, the 附件1 rollup."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "flags": con.execute("select flag_id, rule_code, subject_id, amount, first_seen_batch "
                                 "from marts.risk_flags order by flag_id").fetchall(),
            "audit": con.execute("select batch_id, batch_version, file, status, reason, manifest_rows, staged_rows, "
                                 "exception_rows, encoding from marts.batch_audit order by all").fetchall(),
            "as_of": con.execute("select batch_id, as_of from intermediate.int_as_of").fetchall(),
            "summary_basic": con.execute("select * from marts.summary_basic order by all").fetchall(),
        }
    finally:
        con.close()


# ------------------------------------------------------------------ processes

@dataclass
class Run:
    """A real `pension-risk run` process."""

    proc: subprocess.Popen
    warehouse: Path
    out: Path
    err: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def log(self) -> Path:
        return self.warehouse.with_name(self.warehouse.name + ".run.log")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 600) -> int:
        return self.proc.wait(timeout=timeout)

    def kill9(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)


def start_run(landing: Path, warehouse: Path, tag: str, failpoints: str | None = None,
              env: dict | None = None) -> Run:
    full_env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "DAGSTER_DISABLE_TELEMETRY": "1", **(env or {})}
    full_env.pop("PENSION_RISK_FAILPOINTS", None)
    if failpoints:
        full_env["PENSION_RISK_FAILPOINTS"] = failpoints
    out = warehouse.parent / f"{tag}.stdout"
    err = warehouse.parent / f"{tag}.stderr"
    proc = subprocess.Popen([CLI, "run", "--landing", str(landing), "--warehouse", str(warehouse)],
                            stdout=out.open("w"), stderr=err.open("w"), env=full_env, cwd=REPO)
    SPAWNED.append(proc)
    return Run(proc, warehouse, out, err)


def run_to_end(landing: Path, warehouse: Path, tag: str, timeout: float = 600, **kw) -> tuple[int, str]:
    run = start_run(landing, warehouse, tag, **kw)
    rc = run.wait(timeout)
    return rc, run.stderr()


#: every process a test started: tests/test_faults.py kills what is left after each test, so a failed
#: test never leaves a reader or a run behind to disturb the next one
SPAWNED: list[subprocess.Popen] = []


def kill_spawned() -> None:
    while SPAWNED:
        proc = SPAWNED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def python_proc(*args: str, **kw) -> subprocess.Popen:
    proc = subprocess.Popen([PYTHON, "-m", "tests.fault_procs", *args], cwd=REPO, **kw)
    SPAWNED.append(proc)
    return proc


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def lock_holder(warehouse: Path) -> dict:
    try:
        return json.loads(text_of(warehouse.with_name(f".{warehouse.name}.lock")) or "{}")
    except ValueError:
        return {}


def _proc_env(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.decode(errors="replace").partition("=")[::2] for item in raw.split(b"\0") if b"=" in item)


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def live_processes(pid: int | None = None, run_id: str | None = None) -> list[int]:
    """Live (not zombie) processes that are `pid`, its descendants, or carry the run's id."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _stat(int(entry.name))
            if st:
                table[int(entry.name)] = st
    found = set()
    if pid is not None:
        frontier = {pid}
        while frontier:
            found |= frontier
            frontier = {p for p, (_s, pp) in table.items() if pp in frontier and p not in found}
    if run_id is not None:
        found |= {p for p in table if _proc_env(p).get("PENSION_RISK_RUN_ID") == run_id}
    return sorted(p for p in found if p in table and table[p][0] != "Z")


def descendants(pid: int) -> list[int]:
    return [p for p in live_processes(pid=pid) if p != pid]


def dbt_build_child(pid: int) -> int | None:
    for p in descendants(pid):
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "dbt" in cmd and " build" in cmd:
            return p
    return None


def files_beside(warehouse: Path) -> set[str]:
    return {p.name for p in warehouse.parent.iterdir() if p.name.startswith((warehouse.name, f".{warehouse.name}"))}
