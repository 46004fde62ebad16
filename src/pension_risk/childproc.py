"""Child processes of a run die with it (Linux: PR_SET_PDEATHSIG).

dbt runs as a child of `pension-risk run` (or of a Dagster run worker). If the
parent is killed (kill -9, OOM killer), the kernel sends SIGKILL to the child at
once, so no orphan keeps writing the building file without the writer lock.
dbt is started through the small wrapper `dbt-child` beside this module, which
calls :func:`die_with_parent` and then runs dbt's own command line in the same
process. The next lock holder also kills any process left of an earlier run
(`pension_risk.published.kill_orphans`) in case the signal could not be armed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1
DBT_WRAPPER = Path(__file__).with_name("dbt-child")


def die_with_parent(expected_parent: int | None = None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies; exit if it already died."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if expected_parent and os.getppid() != expected_parent:
        os._exit(137)  # the parent died before the signal was armed: do not run as an orphan


def preexec_die_with_parent() -> None:
    """For subprocess.Popen(preexec_fn=...): the child dies with this process."""
    die_with_parent()


def dbt_executable() -> str:
    """The dbt command line the runs use: dbt, killed with its parent (runs on this interpreter)."""
    os.environ.setdefault("PENSION_RISK_PYTHON", sys.executable)
    return str(DBT_WRAPPER)


def parse_once_per_project() -> None:
    """dbt re-parses the whole project (about 10 s) when the profile's connection details changed,
    and dbt-duckdb counts the database file's path among them: a run into a warehouse in another
    directory (a new user's first run, each test, the bench) started with a full parse although
    nothing of the project changed. The parse depends on the path only through the database name
    DuckDB derives from the file name (`warehouse` for `.warehouse.duckdb.dbt.building`), which
    dbt-duckdb hashes as a detail of its own (`database`); no macro or model reads `target.path`
    (tests/test_pipeline.py checks both). So the path is left out of that hash, in this child
    only. A dbt-duckdb without `_connection_keys` parses as before (slower, nothing else).
    """
    try:
        from dbt.adapters.duckdb.credentials import DuckDBCredentials
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    keys = getattr(DuckDBCredentials, "_connection_keys", None)
    if keys is None or getattr(keys, "without_path", False):
        return

    def _connection_keys(self):
        return tuple(k for k in keys(self) if k != "path")

    _connection_keys.without_path = True
    DuckDBCredentials._connection_keys = _connection_keys


def main(argv: list[str]) -> int:
    """`python -m pension_risk.childproc dbt ARGS…`: arm the death signal, then run dbt in this process."""
    parent = os.environ.get("PENSION_RISK_PARENT_PID")
    die_with_parent(int(parent) if parent and parent.isdigit() else None)
    if not argv or argv[0] != "dbt":
        print("usage: python -m pension_risk.childproc dbt ARGS…", file=sys.stderr)
        return 2
    from dbt.cli.main import cli

    parse_once_per_project()

    sys.argv = ["dbt", *argv[1:]]
    return cli()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
