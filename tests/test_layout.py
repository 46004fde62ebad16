"""A reader finds any rule, suite or asset in one hop."""

from __future__ import annotations

import csv
from pathlib import Path

from pension_risk.contract import FILES

REPO = Path(__file__).resolve().parents[1]


def test_every_rule_code_leads_to_its_model():
    with (REPO / "seeds" / "rule_catalogue.csv").open(encoding="utf-8") as fh:
        rules = list(csv.DictReader(fh))
    assert [r["rule_code"] for r in rules] == [f"R{i:02d}" for i in range(1, 30)]
    for rule in rules:
        model = REPO / "dbt_project" / "models" / "intermediate" / "rules" / f"{rule['model_name']}.sql"
        assert model.is_file(), rule
        assert f"'{rule['rule_code']}'" in model.read_text(encoding="utf-8"), model


def test_every_raw_file_has_a_staging_model():
    for spec in FILES:
        assert (REPO / "dbt_project" / "models" / "staging" / "landing" / f"stg_landing__{spec.stem}.sql").is_file()


def test_every_threshold_of_rules_md_is_a_dbt_var():
    text = (REPO / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8")
    for var in ("screen_from", "r04_floor_170", "r04_floor_110", "r04_floor_120", "r05_floor_170", "r06_min_ops",
                "work_start_hour", "work_end_hour", "r11_days", "r12_min_backpays", "r17_months", "r18_days",
                "r20_months", "r29_days"):
        assert f"\n  {var}:" in text, var
