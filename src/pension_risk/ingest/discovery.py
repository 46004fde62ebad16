"""Batch discovery: folders named YYYYMMDD in the landing directory, in name order."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pension_risk.errors import PensionRiskError

_BATCH_NAME = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True)
class BatchFolder:
    batch_id: str
    path: Path


def is_batch_name(name: str) -> bool:
    if not _BATCH_NAME.match(name):
        return False
    try:
        dt.datetime.strptime(name, "%Y%m%d")
    except ValueError:
        return False
    return True


def discover_batches(landing: Path) -> list[BatchFolder]:
    """Batch folders in name order; anything else in the landing directory is ignored."""
    if not landing.is_dir():
        raise PensionRiskError(f"landing directory not found: {landing}")
    return [
        BatchFolder(p.name, p)
        for p in sorted(landing.iterdir(), key=lambda p: p.name)
        if p.is_dir() and is_batch_name(p.name)
    ]
