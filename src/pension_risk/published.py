"""The published warehouse: one writer at a time, a private building file, an atomic publish.

Who writes FILE (`pension-risk run`, the Dagster job) goes through this module:

- :func:`acquire` takes the writer lock `.FILE.lock` beside FILE (``flock``; the
  kernel drops it when the holder dies, however it dies) and records the holder
  (pid, run id, start time) in it. A second writer fails at once with
  :class:`WarehouseLocked`, naming the lock and the holder, and touches nothing.
  The new holder first kills what is left of earlier runs on FILE (child processes
  such as dbt that outlived their run) and deletes their building files: only the
  lock holder ever deletes anything.
- Each run builds in its own file `.FILE.<run id>.building` (:attr:`WriterLock.building`),
  a copy of FILE made by :func:`prepare_building` and tagged inside with the run id
  (``raw.build_owner``).
- :func:`mark_complete` writes ``marts.publish_info`` into the building file once the
  build is known complete (every model present); :func:`publish` checks that marker
  (this run's id) before ``os.replace``, removes a stale WAL beside FILE (a WAL left
  by someone who opened FILE read-write and crashed would make the new file
  unreadable), refuses while another process has FILE open read-write, and fsyncs.
- Readers learn which version they read from inside the file, through the same
  connection as the data: :func:`read_publish_info` (``marts.publish_info``).

docs/OPERATIONS.md says what happens on each fault and which files an operator may delete.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pension_risk.errors import BuildIncomplete, PensionRiskError, PipelineError, WarehouseLocked

#: Environment of every child process of a run: who it belongs to (see :func:`kill_orphans`).
ENV_RUN_ID = "PENSION_RISK_RUN_ID"
ENV_RUN_LOCK = "PENSION_RISK_RUN_LOCK"
ENV_PARENT_PID = "PENSION_RISK_PARENT_PID"
#: Test hook: comma-separated failpoint names at which the process stops (sleeps) so that
#: the fault-injection suite can kill it at an exact point (tests/test_faults.py).
ENV_FAILPOINTS = "PENSION_RISK_FAILPOINTS"

#: where the readers (dashboard, case tools) and the Dagster resources find the published warehouse
#: and the landing directory when no path is given; the defaults are the demo's (`pension-risk demo`)
WAREHOUSE_ENV = "PENSION_RISK_WAREHOUSE"
LANDING_ENV = "PENSION_RISK_LANDING"
DEFAULT_WAREHOUSE = Path("demo/warehouse.duckdb")
DEFAULT_LANDING = Path("demo/landing")


def default_warehouse() -> Path:
    """The published warehouse a reader opens: $PENSION_RISK_WAREHOUSE, else the demo's (an empty value counts as unset)."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def default_landing() -> Path:
    """The landing directory the sensor watches: $PENSION_RISK_LANDING, else the demo's."""
    return Path(os.environ.get(LANDING_ENV) or DEFAULT_LANDING)


#: The published warehouse holds every recipient's personal data: owner and group only
#: (the dashboard's service account reads it through the group; README, "service account").
FILE_MODE = 0o640

PUBLISH_INFO = "marts.publish_info"
BUILD_OWNER = "raw.build_owner"


# ------------------------------------------------------------------ small helpers

def note(message: str) -> None:
    """One progress line in the run log (stdout of the run; `pension-risk run` sends it to FILE.run.log)."""
    stamp = dt.datetime.now().strftime("%H:%M:%S")
    print(f"[pension-risk {stamp}] {message}", file=sys.stdout, flush=True)


def failpoint(name: str) -> None:
    """Stop here when the test hook names this point (PENSION_RISK_FAILPOINTS); no-op otherwise.

    The process waits until the file PENSION_RISK_FAILPOINT_RELEASE exists (if set) or
    PENSION_RISK_FAILPOINT_SECONDS pass (default 600), then goes on; the suite usually kills it first.
    """
    wanted = os.environ.get(ENV_FAILPOINTS, "")
    if not wanted or name not in {w.strip() for w in wanted.split(",")}:
        return
    line = f"failpoint {name} reached (pid {os.getpid()})"
    note(line)
    print(f"pension-risk: {line}", file=sys.stderr, flush=True)
    release = os.environ.get("PENSION_RISK_FAILPOINT_RELEASE")
    deadline = time.monotonic() + float(os.environ.get("PENSION_RISK_FAILPOINT_SECONDS", "600"))
    while time.monotonic() < deadline and not (release and os.path.exists(release)):
        time.sleep(0.05)
    note(f"failpoint {name} released")


def new_run_id() -> str:
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.lock")


def building_path(warehouse: Path, run_id: str) -> Path:
    return warehouse.with_name(f".{warehouse.name}.{run_id}.building")


def dbt_path(warehouse: Path) -> Path:
    """The path dbt opens the run's building file by: a symlink, the same for every run of `warehouse`.

    dbt re-parses the whole project (about 10 s) when its profile changes, and the DuckDB path is
    part of the profile: through this link every run of a warehouse gives dbt the same path, so
    dbt parses only when the project changed. Named like a building file: a crashed run's link
    is cleaned up with its building file (:func:`leftovers`).
    """
    return warehouse.with_name(f".{warehouse.name}.dbt.building")


def link_for_dbt(lock: WriterLock) -> Path:
    """Point :func:`dbt_path` at this run's building file (which may not exist yet); return the link."""
    link = dbt_path(lock.warehouse)
    wal_of(link).unlink(missing_ok=True)  # a crashed run's WAL must never be replayed into this build
    tmp = link.with_name(f"{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(lock.building.name, tmp)
    os.replace(tmp, link)
    return link


def settle_dbt_wal(lock: WriterLock) -> None:
    """Fold a WAL dbt left beside the link into the building file (DuckDB names the WAL after the path it opened)."""
    link = dbt_path(lock.warehouse)
    if wal_of(link).exists() and lock.building.exists() and os.path.realpath(link) == str(lock.building.resolve()):
        con = connect_building(link)
        con.execute("checkpoint")
        con.close()


def unlink_for_dbt(lock: WriterLock) -> None:
    link = dbt_path(lock.warehouse)
    try:
        if os.readlink(link) == lock.building.name:
            link.unlink()
            _remove_path(spill_dir(link))
    except OSError:
        pass


# ------------------------------------------------------------------ memory

#: how much memory DuckDB may use in a run's writer connections and in dbt (each one process, one
#: database instance); beyond it DuckDB spills to :func:`spill_dir`. Without a cap DuckDB takes 80 %
#: of RAM and, at a million persons, the run's process tree peaked at 16.6 GB (docs/PERFORMANCE.md).
MEMORY_LIMIT_ENV = "PENSION_RISK_MEMORY_LIMIT"
#: the default cap; dbt_project/profiles.yml reads the same variable with the same default
#: (tests/test_pipeline.py checks they agree)
DEFAULT_MEMORY_LIMIT = "4GB"


def memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def spill_dir(path: Path) -> Path:
    """DuckDB's temporary directory of a database opened by `path` (its default, `<path>.tmp`)."""
    return path.with_name(path.name + ".tmp")


#: how large DuckDB lets its WAL grow before it checkpoints it into the file, in every writer
#: connection of a run and in dbt (dbt_project/profiles.yml, same figure; tests/test_pipeline.py).
#: At DuckDB's default (16 MB) a run checkpoints after nearly every table it writes; on the
#: million-person warehouse the intermediate and marts build took 265 s against 206 s at this
#: figure (docs/PERFORMANCE.md).
#: Nothing depends on checkpointing sooner: a dead run's building file is thrown away, and each
#: connection checkpoints when it closes (what is left is folded in before the publish).
CHECKPOINT_THRESHOLD = "16GB"


def connect_building(path: Path):
    """A read-write connection to a run's building file, under the run's memory cap."""
    import duckdb

    return duckdb.connect(str(path), config={"memory_limit": memory_limit(),
                                             "checkpoint_threshold": CHECKPOINT_THRESHOLD})


def _remove_path(p: Path) -> None:
    """Delete a file, a link or a directory (a spill directory); nothing if it is gone."""
    try:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()
    except FileNotFoundError:
        pass


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, (os.O_RDONLY | os.O_DIRECTORY) if directory else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_warehouse_path(warehouse: Path) -> Path:
    """The warehouse path must be a file path in an existing directory (one clear line otherwise)."""
    warehouse = Path(warehouse)
    if warehouse.exists() and warehouse.is_dir():
        raise PensionRiskError(f"warehouse path is a directory: {warehouse}")
    parent = warehouse.absolute().parent
    if not parent.is_dir():
        raise PensionRiskError(f"warehouse directory not found: {parent} (create it first)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PensionRiskError(f"warehouse directory is not writable: {parent}")
    return warehouse.resolve()


# ------------------------------------------------------------------ who has FILE open read-write

_F_OFD_GETLK = 36  # Linux


def writer_of(path: Path) -> int | None:
    """pid of another process holding a DuckDB read-write connection to `path` (a POSIX write lock),
    0 when the holder is unknown, None when nobody writes it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (x86-64/aarch64 layout, padded)
        query = struct.pack("hhxxxxqqixxxx", fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        l_type, _whence, _start, _len, pid = struct.unpack("hhxxxxqqixxxx", answer)
        if l_type == fcntl.F_UNLCK:
            return None
        return pid if pid > 0 else 0
    except OSError:
        return None
    finally:
        os.close(fd)


# ------------------------------------------------------------------ the writer lock

@dataclass
class WriterLock:
    warehouse: Path
    run_id: str
    fd: int
    pid: int = field(default_factory=os.getpid)
    started_at: str = field(default_factory=lambda: dt.datetime.now().astimezone().isoformat(timespec="seconds"))
    released: bool = False
    #: what taking the lock cleaned up after earlier runs (lines for the run log)
    messages: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return lock_path(self.warehouse)

    @property
    def building(self) -> Path:
        return building_path(self.warehouse, self.run_id)


_HELD: dict[Path, WriterLock] = {}


def held(warehouse: Path) -> WriterLock | None:
    """The lock of `warehouse` if this process holds it (the Dagster resource reuses the run's lock)."""
    lock = _HELD.get(Path(warehouse).resolve())
    return lock if lock is not None and not lock.released else None


def read_holder(path: Path) -> dict:
    """What the lock file says about its holder; the pid from /proc/locks when it says nothing yet."""
    info: dict = {}
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            info = json.loads(text)
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        try:
            ino = path.stat().st_ino
            for line in Path("/proc/locks").read_text().splitlines():
                parts = line.split()
                if "FLOCK" in parts and parts[-3].endswith(f":{ino}"):
                    info["pid"] = int(parts[4])
                    break
        except (OSError, ValueError, IndexError):
            pass
    return info


def _holder_text(info: dict) -> str:
    parts = [f"pid {info.get('pid', '?')}"]
    if info.get("run_id"):
        parts.append(f"run {info['run_id']}")
    if info.get("started_at"):
        parts.append(f"started {info['started_at']}")
    if info.get("host") and info.get("host") != socket.gethostname():
        parts.append(f"on {info['host']}")
    return ", ".join(parts)


def acquire(warehouse: Path, run_id: str | None = None, *, same_run_wait: float = 0.0) -> WriterLock:
    """Take the writer lock of `warehouse` or raise WarehouseLocked at once (touching nothing).

    `same_run_wait`: seconds to wait when the holder is a step of the same run (Dagster's
    multiprocess executor runs each step in its own process); other holders fail fast.
    Then, as the new holder: kill the leftover processes of earlier runs and delete their
    building files.
    """
    warehouse = check_warehouse_path(warehouse)
    run_id = run_id or new_run_id()
    if held(warehouse):
        raise WarehouseLocked(f"this process already holds the lock of {warehouse}")
    path = lock_path(warehouse)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    deadline = time.monotonic() + same_run_wait
    previous: dict = {}
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = read_holder(path)
            if holder.get("run_id") == run_id and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            os.close(fd)
            raise WarehouseLocked(
                f"another run is writing {warehouse}: the lock {path} is held by {_holder_text(holder)}; "
                f"this run did nothing and {warehouse.name} is untouched"
            ) from None
        except OSError as exc:
            os.close(fd)
            raise PipelineError(f"cannot lock {path}: {exc.strerror}") from None
    previous = read_holder(path)
    lock = WriterLock(warehouse=warehouse, run_id=run_id, fd=fd)
    record = {"pid": lock.pid, "run_id": run_id, "started_at": lock.started_at, "host": socket.gethostname(),
              "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:])[:300]}
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(record) + "\n").encode(), 0)
    os.fsync(fd)
    _HELD[warehouse] = lock
    os.environ[ENV_RUN_ID] = run_id
    os.environ[ENV_RUN_LOCK] = str(path)
    os.environ[ENV_PARENT_PID] = str(lock.pid)
    os.environ["PENSION_RISK_PYTHON"] = sys.executable
    lock.messages.append(f"lock {path} taken: run {run_id}, pid {lock.pid}")
    if previous.get("run_id") != run_id:
        killed = kill_orphans(path, keep_run=run_id)
        if killed:
            lock.messages.append(f"killed {len(killed)} leftover process(es) of earlier runs on this warehouse: "
                                 f"pid {', '.join(map(str, killed))}")
        for leftover in remove_leftovers(warehouse, keep_run=run_id):
            lock.messages.append(f"removed {leftover.name}, left by an earlier run that did not finish")
    return lock


def release(lock: WriterLock) -> None:
    """Release the writer lock (the lock file stays: deleting it could let two writers in)."""
    if lock.released:
        return
    lock.released = True
    _HELD.pop(lock.warehouse, None)
    unlink_for_dbt(lock)  # dbt's link to this run's building file: of no use to anyone after the run
    for name in (ENV_RUN_ID, ENV_RUN_LOCK, ENV_PARENT_PID):
        os.environ.pop(name, None)
    try:
        fcntl.flock(lock.fd, fcntl.LOCK_UN)
    finally:
        os.close(lock.fd)


# ------------------------------------------------------------------ leftovers of dead runs

def _environ_of(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    out = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep and key.startswith(b"PENSION_RISK_"):
            out[key.decode(errors="replace")] = value.decode(errors="replace")
    return out


def processes_of(lock: Path, run_id: str | None = None) -> list[int]:
    """pids of live processes that belong to a run on this lock (children carry ENV_RUN_LOCK)."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        env = _environ_of(int(entry.name))
        if env.get(ENV_RUN_LOCK) != str(lock):
            continue
        if run_id is not None and env.get(ENV_RUN_ID) != run_id:
            continue
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            found.append(int(entry.name))
    return sorted(found)


def kill_orphans(lock: Path, keep_run: str, timeout: float = 10.0) -> list[int]:
    """SIGKILL every process of an earlier run on this lock (e.g. a dbt whose parent was killed)."""
    victims = [pid for pid in processes_of(lock) if _environ_of(pid).get(ENV_RUN_ID) != keep_run]
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while victims and time.monotonic() < deadline:
        alive = set(processes_of(lock))
        if not alive & set(victims):
            break
        time.sleep(0.05)
    return victims


def leftovers(warehouse: Path, keep_run: str | None = None) -> list[Path]:
    """Building files (and their WALs) beside `warehouse` that do not belong to `keep_run`."""
    mine = {building_path(warehouse, keep_run), wal_of(building_path(warehouse, keep_run))} if keep_run else set()
    prefix = f".{warehouse.name}."
    out = []
    for p in warehouse.parent.iterdir():
        name = p.name
        if not name.startswith(prefix) or p in mine:
            continue
        if name.endswith(".building") or name.endswith(".building.wal") or name.endswith(".building.tmp"):
            out.append(p)
    return sorted(out)


def remove_leftovers(warehouse: Path, keep_run: str) -> list[Path]:
    """Delete other runs' building files. Only the lock holder calls this."""
    removed = []
    for p in leftovers(warehouse, keep_run):  # files, links and a dead run's spill directory
        if p.exists() or p.is_symlink():
            _remove_path(p)
            removed.append(p)
    return removed


def discard_building(lock: WriterLock, keep_link: bool = False) -> None:
    """Delete this run's own building file and its WAL (after a failure; a published one is gone already).

    And dbt's link to it (:func:`dbt_path`), unless `keep_link` (the run is starting its build).
    """
    for p in (lock.building, wal_of(lock.building), spill_dir(lock.building)):
        _remove_path(p)
    if not keep_link:
        unlink_for_dbt(lock)


# ------------------------------------------------------------------ building, marker, publish

def _check_no_writer(warehouse: Path, doing: str) -> None:
    pid = writer_of(warehouse)
    if pid is not None:
        who = f"process {pid}" if pid else "another process"
        raise PipelineError(
            f"{warehouse} is open read-write by {who} (e.g. a DuckDB shell without -readonly); "
            f"close it and run again — {doing}"
        )


def prepare_building(lock: WriterLock) -> Path:
    """Start the run from a private copy of the published file (or from nothing), tagged with the run id."""
    building = lock.building
    discard_building(lock, keep_link=True)
    if lock.warehouse.exists():
        _check_no_writer(lock.warehouse, "nothing was copied or published")
        tmp = spill_dir(building)  # the copy's name until it is complete (DuckDB spills there later)
        os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE))  # private before a byte is copied
        os.chmod(tmp, FILE_MODE)
        shutil.copyfile(lock.warehouse, tmp)
        os.replace(tmp, building)
    con = connect_building(building)
    os.chmod(building, FILE_MODE)  # a new file: private before any data is written into it
    try:
        con.execute("create schema if not exists raw")
        con.execute(f"create or replace table {BUILD_OWNER} (run_id varchar, pid integer, started_at varchar)")
        con.execute(f"insert into {BUILD_OWNER} values (?, ?, ?)", [lock.run_id, lock.pid, lock.started_at])
        con.execute(f"comment on table {BUILD_OWNER} is 'The run whose building file this is (pension_risk.published).'")
        con.execute("checkpoint")
    finally:
        con.close()
    note(f"building {building.name} prepared from {lock.warehouse.name if lock.warehouse.exists() else 'nothing'}")
    return building


def build_owner(con) -> str | None:
    try:
        row = con.execute(f"select run_id from {BUILD_OWNER}").fetchone()
    except Exception:  # noqa: BLE001 - no table: not a building file of any run
        return None
    return row[0] if row else None


def missing_relations(con, required: list[tuple[str, str]]) -> list[str]:
    present = {(s, t) for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    return [f"{s}.{t}" for s, t in required if (s, t) not in present]


def dbt_relations() -> list[tuple[str, str]]:
    """(schema, name) of every relation the dbt project builds (from its manifest)."""
    from orchestration.project import dbt_project

    manifest = json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))
    out = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        if node.get("config", {}).get("materialized") == "ephemeral" or not node.get("config", {}).get("enabled", True):
            continue
        out.append((node["schema"], node.get("alias") or node["name"]))
    return sorted(set(out))


def mark_complete(lock: WriterLock, required: list[tuple[str, str]]) -> dict:
    """Check the building file is this run's complete build; write marts.publish_info (the marker).

    Raises BuildIncomplete when it is not (then nothing is published).
    """

    building = lock.building
    if not building.exists():
        raise BuildIncomplete(
            f"no building file of run {lock.run_id} ({building.name}): only a whole run (ingest, dbt build, "
            "checks) can publish; nothing published"
        )
    con = connect_building(building)
    try:
        owner = build_owner(con)
        if owner != lock.run_id:
            raise BuildIncomplete(f"{building.name} belongs to run {owner!r}, not to this run {lock.run_id}; "
                                  "nothing published")
        missing = missing_relations(con, required)
        if missing:
            raise BuildIncomplete(
                f"the build of run {lock.run_id} is incomplete: {len(missing)} relation(s) missing "
                f"({', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}); nothing published"
            )
        row = con.execute("select batch_id, as_of from intermediate.int_as_of").fetchone()
        flags = con.execute("select count(*) from marts.risk_flags").fetchone()[0]
        info = {"run_id": lock.run_id, "batch_id": row[0] if row else None, "as_of": row[1] if row else None,
                "flags": int(flags), "pid": lock.pid, "host": socket.gethostname()}
        con.execute(
            f"create or replace table {PUBLISH_INFO} (run_id varchar not null, published_at timestamptz not null, "
            "batch_id varchar, as_of date, flags bigint, pid integer, host varchar)"
        )
        con.execute(f"insert into {PUBLISH_INFO} values (?, current_timestamp, ?, ?, ?, ?, ?)",
                    [info["run_id"], info["batch_id"], info["as_of"], info["flags"], info["pid"], info["host"]])
        con.execute(
            f"comment on table {PUBLISH_INFO} is 'One row: the run that published this file (run_id, unique per "
            "publish), when, and its newest batch. Readers use it, read through the same connection as the data, "
            "as the version of what they read (e.g. a cache key).'"
        )
        for column, text in (("run_id", "id of the run that built and published this file; unique per publish"),
                             ("published_at", "when the run marked its build complete, just before the atomic replace"),
                             ("batch_id", "newest accepted batch in this file"), ("as_of", "as_of of that batch"),
                             ("flags", "rows of marts.risk_flags"), ("pid", "process id of the run"),
                             ("host", "host of the run")):
            con.execute(f"comment on column {PUBLISH_INFO}.{column} is '{text}'")
        con.execute("checkpoint")
    finally:
        con.close()
    note(f"build of run {lock.run_id} complete: marked in {PUBLISH_INFO}")
    return info


def publish(lock: WriterLock) -> None:
    """Replace the published file by this run's completed build, atomically (os.replace).

    Checked first: the building file carries this run's completion marker and has no WAL;
    nobody has the published file open read-write. A stale WAL beside the published file
    (left by a crashed read-write session) is removed, so it cannot make the new file unreadable.
    """
    import duckdb

    building, warehouse = lock.building, lock.warehouse
    if lock.released or held(warehouse) is not lock:
        raise BuildIncomplete("this run does not hold the writer lock; nothing published")
    if not building.exists():
        raise BuildIncomplete(f"no building file of run {lock.run_id}; nothing published")
    settle_dbt_wal(lock)
    if wal_of(building).exists():
        raise BuildIncomplete(f"{building.name} has an unfinished WAL (not checkpointed); nothing published")
    con = duckdb.connect(str(building), read_only=True)
    try:
        marker = read_publish_info(con)
    finally:
        con.close()
    if not marker or marker.get("run_id") != lock.run_id:
        raise BuildIncomplete(
            f"{building.name} is not a completed build of run {lock.run_id} "
            f"(marker: {marker.get('run_id') if marker else 'none'}); nothing published"
        )
    os.chmod(building, FILE_MODE)
    _fsync_path(building)
    failpoint("publish")
    _check_no_writer(warehouse, "nothing published")
    stale = wal_of(warehouse)
    if stale.exists():
        stale.unlink(missing_ok=True)
        note(f"removed stale {stale.name} beside the published file (left by a read-write session that did not close)")
    os.replace(building, warehouse)
    unlink_for_dbt(lock)
    _fsync_path(warehouse.parent, directory=True)
    note(f"published {warehouse} (run {lock.run_id})")
    # a read-write session that raced the replace may have written a WAL for the old file
    if stale.exists() and writer_of(warehouse) is None:
        stale.unlink(missing_ok=True)
    failpoint("after-replace")


# ------------------------------------------------------------------ readers

def read_publish_info(con) -> dict | None:
    """The published version as this connection sees it (marts.publish_info), or None for a file
    published before this table existed. Read it through the same connection as the data."""
    try:
        cur = con.execute(f"select * from {PUBLISH_INFO}")
        row = cur.fetchone()
        names = [d[0] for d in cur.description]
    except Exception:  # noqa: BLE001 - duckdb.CatalogException: no such table
        return None
    return dict(zip(names, row, strict=True)) if row else None


def publish_version(con) -> str | None:
    """The cache key of a reader: run_id of marts.publish_info (unique per publish), through `con`."""
    info = read_publish_info(con)
    return info["run_id"] if info else None
