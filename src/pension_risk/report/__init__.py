"""The two official tables as xlsx (`pension-risk report`).

附件1 社保基金管理风险排查基本情况汇总表 (marts.summary_basic) and 附件2
社保基金管理风险排查问题情况汇总表 (marts.summary_problems), read from a published
warehouse opened read-only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pension_risk.errors import PensionRiskError
from pension_risk.report.warehouse import Summaries, read_summaries
from pension_risk.report.xlsx import BASIC_FILE, PROBLEMS_FILE, write_basic, write_problems

__all__ = ["BASIC_FILE", "PROBLEMS_FILE", "Summaries", "read_summaries", "write_reports"]


def _write_atomically(out_dir: Path, name: str, writer, summaries: Summaries) -> Path:
    target = out_dir / name
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
    os.close(fd)
    try:
        writer(summaries, Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_reports(warehouse: Path, out_dir: Path) -> list[Path]:
    """Write 附件1 and 附件2 (xlsx) from the published warehouse into out_dir; return their paths."""
    summaries = read_summaries(Path(warehouse))
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PensionRiskError(f"cannot create the output directory {out_dir}: {exc.strerror}") from exc
    if not out_dir.is_dir():
        raise PensionRiskError(f"output path is not a directory: {out_dir}")
    return [
        _write_atomically(out_dir, BASIC_FILE, write_basic, summaries),
        _write_atomically(out_dir, PROBLEMS_FILE, write_problems, summaries),
    ]
