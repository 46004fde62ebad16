"""One source of truth for the 16 raw files: src/pension_risk/contract.py.

dbt reads it from the generated macro `landing_contract()`; these tests fail when the macro is
stale, or when a base model, the sources yml or a code check says something else than the
contract (a column added to one place only, a code set edited in SQL, a key changed in one file).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pension_risk import contract
from pension_risk.contract import CODE_SETS, FILES

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "dbt_project" / "models" / "staging" / "landing" / "base"


def test_the_dbt_macro_is_generated_from_the_contract():
    generated = (ROOT / contract.DBT_MACRO).read_text(encoding="utf-8")
    assert generated == contract.dbt_macro_text(), (
        "dbt_project/macros/landing_contract.sql is stale: run python -m pension_risk.contract --write-dbt")
    assert "'340422'" not in generated and '"340422"' in generated  # the agency codes came through as data


@pytest.mark.parametrize("spec", FILES, ids=lambda f: f.stem)
def test_base_model_reads_every_contract_column_in_order(spec):
    sql = (BASE / f"base_landing__{spec.stem}.sql").read_text(encoding="utf-8")
    raw = re.findall(r"^\s+(\w+) as raw_(\w+),$", sql, flags=re.M)
    assert [alias for _col, alias in raw] == list(spec.columns)
    assert all(col == alias for col, alias in raw)
    assert f"source('landing', '{spec.stem}')" in sql


@pytest.mark.parametrize("spec", FILES, ids=lambda f: f.stem)
def test_base_model_repeated_key_is_the_contract_key(spec):
    """The repeated-key look-up takes the key from the contract (macro repeated_keys); the reason names it."""
    sql = (BASE / f"base_landing__{spec.stem}.sql").read_text(encoding="utf-8")
    assert f"{{{{ repeated_keys('{spec.stem}') }}}}" in sql, "no repeated-key look-up of this file"
    assert f"{{{{ join_repeated_keys('{spec.stem}') }}}}" in sql
    reasons = re.findall(r"'repeated key within the file \((.*?)\)'", sql)
    assert reasons == ["+".join(spec.key)]


@pytest.mark.parametrize("spec", FILES, ids=lambda f: f.stem)
def test_every_coded_column_is_checked_against_its_contract_code_set(spec):
    sql = (BASE / f"base_landing__{spec.stem}.sql").read_text(encoding="utf-8")
    checked = re.findall(r"check_code\('raw_(\w+)', '(\w+)', ([^)]*\)), required=", sql)
    assert all(c[0] == c[1] for c in checked)
    assert {c[0] for c in checked} == {col for col, _set in spec.codes}
    for col, _col, codes in checked:
        assert codes == f"landing_codes('{spec.stem}', '{col}')", f"{col}: a code set written in SQL"
    assert "['" not in sql.split("checked as", 1)[1], "a literal code list in the checks"


def test_code_sets_are_used_and_sources_say_the_contract_kind():
    used = {name for f in FILES for _col, name in f.codes}
    assert used == set(CODE_SETS)
    sources = yaml.safe_load((BASE.parent / "_landing__sources.yml").read_text(encoding="utf-8"))
    tables = {t["name"]: t.get("description", "") for t in sources["sources"][0]["tables"]}
    for spec in FILES:
        assert f"({spec.kind}" in tables[spec.stem], spec.stem
