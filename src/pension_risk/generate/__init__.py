"""`pension-risk generate`: realistic synthetic monthly batches with planted anomalies (EXTRACTS.md)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

from pension_risk.errors import PensionRiskError
from pension_risk.generate import cal

MARKER = ".pension_risk_generator"


def batch_dates(as_of: dt.date, batches: int) -> list[dt.date]:
    """The last `batches` month ends up to as_of (as_of itself is the last)."""
    out = [as_of]
    m = cal.mi(as_of) - (0 if as_of == cal.month_end(cal.mi(as_of)) else 0)
    m = m - 1
    while len(out) < batches:
        out.append(cal.month_end(m))
        m -= 1
    return sorted(out)


def _prepare(paths: list[Path], marker_dir: Path) -> None:
    """Refuse to overwrite what the generator did not write; then clear its earlier output.

    Every path is checked before anything is deleted (the marker lives in the truth directory).
    """
    written_by_us = (marker_dir / MARKER).exists()
    for path in paths:
        if path.exists():
            if not path.is_dir():
                raise PensionRiskError(f"{path} exists and is not a directory")
            if any(path.iterdir()) and not written_by_us:
                raise PensionRiskError(f"{path} is not empty and was not written by the generator; refusing to overwrite")
    for path in paths:
        if path.exists() and any(path.iterdir()):
            shutil.rmtree(path)


def generate(out: Path, truth: Path | None, persons: int, seed: int, as_of: dt.date, batches: int) -> None:
    from pension_risk.generate.world import World
    from pension_risk.generate.writer import Writer, write_batches

    out = Path(out)
    truth = Path(truth) if truth is not None else out.parent / (out.name + "_truth")
    if persons < 300:
        raise PensionRiskError("--persons must be at least 300 (so that every rule R01-R29 can be planted)")
    if batches < 1 or batches > 24:
        raise PensionRiskError("--batches must be between 1 and 24")
    if as_of < dt.date(2019, 8, 1):
        raise PensionRiskError("--as-of must be on or after 2019-08-01")
    ro, rt = out.resolve(), truth.resolve()
    if rt == ro or ro in rt.parents or rt in ro.parents:
        raise PensionRiskError("the truth directory must not be inside the landing directory (or vice versa)")
    _prepare([out, truth], truth)
    dates = batch_dates(as_of, batches)
    bar = _Progress(persons)
    from pension_risk.generate.oracle_pay import release_memory
    w = World(persons, seed, as_of, dates)
    w.build(bar.step)
    release_memory()
    wr = Writer(w, out)
    wr.build()
    release_memory()
    out.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    write_batches(wr, bar.step)
    from pension_risk.generate import oracle
    release_memory()
    flags = oracle.truth_flags(w, wr)
    bar.step("truth")
    _write_truth(truth, w, wr, flags, dict(persons=persons, seed=seed, as_of=as_of.isoformat(), batches=batches))
    (truth / MARKER).write_text("written by pension-risk generate\n")
    bar.close()


def _write_truth(truth: Path, w, wr, flags, args: dict) -> None:
    with open(truth / "truth_flags.csv", "w", newline="", encoding="utf-8") as f:
        wcsv = csv.writer(f, lineterminator="\n")
        wcsv.writerow(["rule_code", "subject_id", "county_code", "amount", "person_id"])
        for r in flags:
            wcsv.writerow(r)
    with open(truth / "truth_exceptions.csv", "w", newline="", encoding="utf-8") as f:
        wcsv = csv.writer(f, lineterminator="\n")
        wcsv.writerow(["batch_id", "file", "row_number", "key", "staged"])
        for b, fl, n, key, staged in sorted(wr.exceptions):
            wcsv.writerow([b, fl, n, key, "true" if staged else "false"])
    counts: dict[str, int] = {f"R{i:02d}": 0 for i in range(1, 30)}
    for r in flags:
        counts[r[0]] += 1
    summary = dict(arguments=args, batches=[f"{d:%Y%m%d}" for d in w.batch_dates], expected_flags=counts,
                   planted_positives=w.plants.positives, near_misses=w.plants.near_misses,
                   planted_subjects=getattr(w.plants, "pos_subjects", {}),
                   near_miss_subjects=getattr(w.plants, "near_subjects", {}))
    (truth / "truth_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")


class _Progress:
    def __init__(self, persons: int):
        self.bar = None
        if persons >= 20000:
            from tqdm import tqdm
            self.bar = tqdm(total=14, desc="generate", file=sys.stderr, leave=False)

    def step(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(msg)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
