"""Compare the published flags with the generator's planted answers (truth directory)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

RULES = [f"R{i:02d}" for i in range(1, 30)]


@dataclass
class RuleScore:
    rule_code: str
    expected: int
    found: int
    matched: int
    amount_mismatches: list = field(default_factory=list)
    county_mismatches: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def exact(self) -> bool:
        return (self.precision == 1.0 and self.recall == 1.0
                and not self.amount_mismatches and not self.county_mismatches)


def _amount(text) -> Decimal | None:
    if text is None or text == "":
        return None
    return Decimal(str(text))


def compare(truth_dir: Path, warehouse: Path) -> list[RuleScore]:
    with (Path(truth_dir) / "truth_flags.csv").open(encoding="utf-8") as fh:
        expected = {(r["rule_code"], r["subject_id"]): r for r in csv.DictReader(fh)}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("select rule_code, subject_id, county_code, amount from marts.risk_flags").fetchall()
    finally:
        con.close()
    found = {(r[0], r[1]): r for r in rows}
    scores = []
    for rule in RULES:
        exp = {k: v for k, v in expected.items() if k[0] == rule}
        got = {k: v for k, v in found.items() if k[0] == rule}
        both = exp.keys() & got.keys()
        score = RuleScore(rule, len(exp), len(got), len(both),
                          missing=sorted(k[1] for k in exp.keys() - got.keys()),
                          unexpected=sorted(k[1] for k in got.keys() - exp.keys()))
        for key in sorted(both):
            e_amt, g_amt = _amount(exp[key]["amount"]), _amount(got[key][3])
            if (e_amt is None) != (g_amt is None) or (e_amt is not None and abs(e_amt - g_amt) > Decimal("0.01")):
                score.amount_mismatches.append((key[1], e_amt, g_amt))
            if exp[key]["county_code"] != got[key][2]:
                score.county_mismatches.append((key[1], exp[key]["county_code"], got[key][2]))
        scores.append(score)
    return scores


def format_table(scores: list[RuleScore]) -> str:
    lines = ["rule  expected  found  precision  recall  amount_diff  county_diff"]
    for s in scores:
        lines.append(f"{s.rule_code}  {s.expected:8d}  {s.found:5d}  {s.precision:9.3f}  {s.recall:6.3f}  "
                     f"{len(s.amount_mismatches):11d}  {len(s.county_mismatches):11d}")
    exact = sum(s.exact for s in scores)
    lines.append(f"{exact} of {len(scores)} rules exact")
    return "\n".join(lines)


def describe_problems(scores: list[RuleScore], limit: int = 5) -> str:
    out = []
    for s in scores:
        if s.exact:
            continue
        out.append(f"{s.rule_code}: missing {s.missing[:limit]} unexpected {s.unexpected[:limit]} "
                   f"amounts {s.amount_mismatches[:limit]} counties {s.county_mismatches[:limit]}")
    return "\n".join(out)
