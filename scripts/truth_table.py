"""Print the per-rule comparison of a warehouse with the generator's truth.

    python scripts/truth_table.py --truth DIR_truth --warehouse FILE
    python scripts/truth_table.py --generate --persons 3000 --seed 7   # generate + run + compare
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from pension_risk.truth import compare, describe_problems, format_table


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--truth", type=Path)
    p.add_argument("--warehouse", type=Path)
    p.add_argument("--generate", action="store_true")
    p.add_argument("--persons", type=int, default=3000)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    if args.generate:
        from pension_risk.generate import generate
        from pension_risk.pipeline import run_pipeline

        root = Path(tempfile.mkdtemp(prefix="truth-"))
        generate(out=root / "landing", truth=root / "landing_truth", persons=args.persons, seed=args.seed,
                 as_of=dt.date(2021, 6, 30), batches=3)
        run_pipeline(root / "landing", root / "w.duckdb")
        args.truth, args.warehouse = root / "landing_truth", root / "w.duckdb"
    scores = compare(args.truth, args.warehouse)
    print(f"seed {args.seed}, {args.persons} persons" if args.generate else "")
    print(format_table(scores))
    problems = describe_problems(scores)
    if problems:
        print(problems)
    return 0 if all(s.exact for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
