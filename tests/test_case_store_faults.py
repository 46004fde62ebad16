"""The case store under a full file system and absurd values (issue 10), with real processes.

A small tmpfs is mounted by the test (and removed after) and the case store is put on
it (`--cases`); `pension-risk cases import` runs as a real process and fills it. Every
outcome is checked exactly: a clear one-line error naming the full disk, each row
either recorded (and reported as such) or not recorded (and reported), nothing
half-written (SQLite's integrity check), and a re-import after space is freed
records the rest.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pension_risk.cases import cli as cases_cli
from pension_risk.cases.store import CaseStore
from tests.access_helpers import add_accounts, password
from tests.test_cases_roundtrip import make_warehouse

pytestmark = pytest.mark.faults

LOGIN = "verifier_340403"
#: free bytes left on the file system: room for the first 96 KB note (written to the WAL, then the file,
#: and to the history), not for all three
LEAVE = 600_000
ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pension_risk.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


@pytest.fixture
def small_fs(tmp_path: Path):
    """A 3 MiB tmpfs mounted for this test only (the test runs as root, as CI does)."""
    mount = tmp_path / "small_fs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0755", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"cannot mount a tmpfs for the disk-full test: {done.stderr.strip()}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill_disk(mount: Path, leave: int) -> Path:
    """Fill the file system up to `leave` free bytes with one filler file."""
    filler = mount / "filler"
    st = os.statvfs(mount)
    free = st.f_bavail * st.f_frsize
    with filler.open("wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


def _worklist_with_long_notes(warehouse: Path, out: Path) -> list[str]:
    """Export the worklist and fill every 340403 case with a long 问题说明 (so rows need space)."""
    exported = out.with_name("exported.xlsx")
    cases_cli.export_command(warehouse, exported, "340403", None)
    wb = load_workbook(exported)
    ws = wb["风险台账"]
    header = [c.value for c in ws[1]]
    case_ids = []
    for row in range(2, ws.max_row + 1):
        case_id = ws.cell(row=row, column=header.index("案件编号") + 1).value
        if not case_id:
            continue
        case_ids.append(case_id)
        ws.cell(row=row, column=header.index("核查结论") + 1, value="核查中")
        ws.cell(row=row, column=header.index("问题说明") + 1, value=f"{case_id} 走访记录：" + "核查情况" * 8_000)
    wb.save(out)
    return case_ids


def test_import_on_a_full_disk_says_so_in_one_line_and_saves_nothing_half(tmp_path: Path, small_fs: Path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    store = small_fs / "cases.sqlite"
    add_accounts(store, [LOGIN])
    filled = tmp_path / "filled.xlsx"
    case_ids = _worklist_with_long_notes(warehouse, filled)
    assert len(case_ids) == 3                               # f-r01-b, f-r07-a, SUS-YD1
    filler = _fill_disk(small_fs, leave=LEAVE)

    done = _cli("cases", "import", str(filled), "--warehouse", str(warehouse), "--cases", str(store),
                "--by", LOGIN, stdin=password(LOGIN) + "\n")
    err = done.stderr.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "cannot rollback" not in done.stderr
    last = err[-1]
    assert last.startswith("pension-risk cases: error: ") and "disk is full" in last, done.stderr
    # every row of the sheet is accounted for: recorded, or not recorded with its row number
    recorded = {c for c in case_ids if CaseStore(store).get_case(c) is not None}
    assert 1 <= len(recorded) < len(case_ids)
    for row, case_id in enumerate(case_ids, start=2):
        if case_id in recorded:
            assert any(f"row {row}: recorded" in line for line in err), (row, case_id, recorded, done.stderr)
        else:
            assert any(f"row {row}: not recorded" in line for line in err), done.stderr
    con = sqlite3.connect(store)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        # a recorded row is recorded whole: its note, conclusion and history row
        for case_id in recorded:
            note, conclusion = con.execute("select problem_note, conclusion from cases where case_id = ?",
                                           (case_id,)).fetchone()
            assert conclusion == "核查中" and note.startswith(case_id) and len(note) > 30_000
    finally:
        con.close()

    filler.unlink()                                         # space again: the same file records the rest
    again = _cli("cases", "import", str(filled), "--warehouse", str(warehouse), "--cases", str(store),
                 "--by", LOGIN, stdin=password(LOGIN) + "\n")
    assert again.returncode == 0, again.stderr
    assert f"{len(case_ids) - len(recorded)} changed, {len(recorded)} unchanged, 0 rejected" in again.stderr
    assert all(CaseStore(store).get_case(c)["conclusion"] == "核查中" for c in case_ids)


def test_users_add_on_a_full_disk_is_one_clear_line(tmp_path: Path, small_fs: Path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    store = small_fs / "cases.sqlite"
    add_accounts(store, [LOGIN])
    filler = _fill_disk(small_fs, leave=0)
    login = "u" + uuid.uuid4().hex[:6]
    done = _cli("users", "add", login, "--name", "新用户", "--role", "leader", "--warehouse", str(warehouse),
                "--cases", str(store), stdin="a-long-enough-password\n")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0] and "Traceback" not in done.stderr, done.stderr
    filler.unlink()                                         # SQLite needs room to open the store at all
    con = sqlite3.connect(store)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert con.execute("select count(*) from accounts where login = ?", (login,)).fetchone()[0] == 0
    finally:
        con.close()
