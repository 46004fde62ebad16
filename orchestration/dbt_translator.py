"""How the dbt project appears in Dagster: one asset group per layer, readable check names.

Groups: a model's group is its layer, the first folder under `models/` (`staging`,
`intermediate`, `marts`); seeds are `reference`. The Python assets carry their own groups
(`landing`, `publish`), so no asset sits in `default`.

Check names: dagster-dbt (0.29) names the asset check of a dbt test after the test's node
name in the manifest, both when it builds the check specs and when it maps a test result of
`dbt build` back to a check (`dagster_dbt.asset_utils.get_asset_check_key_for_test`, a
module function the translator does not reach). dbt generates names such as
`accepted_values_case_ledger_conclusion_________` (the values, reduced to underscores). So
the manifest given to `@dbt_assets` is a copy in which each test node carries a readable
name derived from its `test_metadata`: `<test>__<column(s)>` (`not_null__flag_id`,
`accepted_values__conclusion`, `unique_combination__rule_code__agency_code`); a singular
test keeps its file name; a name set in the yml (`name:`) is kept. The names are unique per
asset (`__2`, `__3` otherwise). Nothing else changes: unique ids and fqns (which dbt
selection uses) are dbt's own, and each check's description names the dbt test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetCheckSpec, AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

#: asset groups of the dbt models (first folder under models/) and of the seeds
MODEL_LAYERS = ("staging", "intermediate", "marts")
SEED_GROUP = "reference"
#: the quality gate (orchestration/assets/quality.py): every model past staging depends on it, so
#: Dagster starts intermediate and marts only after the new batches were judged
QUALITY_GATE_KEY = AssetKey(["quality", "batch_gate"])
#: where the original dbt test name is kept in the copied manifest node and in the check's metadata
DBT_TEST_NAME_KEY = "dbt_test_name"

_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")
_UNDERSCORES = re.compile(r"_{3,}")


def _clean(text: str) -> str:
    """A check name: letters, digits, single or double underscores only."""
    return _UNDERSCORES.sub("__", _NOT_NAME.sub("_", text)).strip("_")


def _columns(node: Mapping[str, Any]) -> list[str]:
    kwargs = (node.get("test_metadata") or {}).get("kwargs") or {}
    column = node.get("column_name") or kwargs.get("column_name")
    if column:
        return [str(column)]
    for key in ("columns", "combination_of_columns"):
        value = kwargs.get(key)
        if isinstance(value, str):
            return [value]
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value]
    return []


def _has_generated_name(node: Mapping[str, Any]) -> bool:
    """True when dbt made the name up (`[source_][namespace_]<test>_<model>…`), not the yml."""
    meta = node.get("test_metadata") or {}
    stem = f"{meta['namespace']}_{meta['name']}" if meta.get("namespace") else meta.get("name", "")
    return node["name"].startswith((f"{stem}_", f"source_{stem}_")) or node["name"] == stem


def readable_test_name(node: Mapping[str, Any]) -> str:
    """`<test>__<column(s)>` for a generic test, the file name for a singular one."""
    meta = node.get("test_metadata") or {}
    if not meta.get("name") or not _has_generated_name(node):
        return _clean(node["name"])
    return _clean("__".join([meta["name"], *_columns(node)]))


def _attached_to(node: Mapping[str, Any]) -> tuple:
    if node.get("attached_node"):
        return (node["attached_node"],)
    return tuple(sorted((node.get("depends_on") or {}).get("nodes") or []))


def readable_manifest(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `manifest` whose test nodes have readable names, unique per tested node."""
    nodes = dict(manifest["nodes"])
    taken: dict[tuple, set[str]] = {}
    for unique_id in sorted(nodes):
        node = nodes[unique_id]
        if node.get("resource_type") != "test":
            continue
        base = readable_test_name(node) or "dbt_test"
        used = taken.setdefault(_attached_to(node), set())
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}__{n}"
        used.add(name)
        nodes[unique_id] = {**node, "name": name, DBT_TEST_NAME_KEY: node["name"]}
    return {**manifest, "nodes": nodes}


def load_readable_manifest(path: Path) -> dict[str, Any]:
    return readable_manifest(json.loads(Path(path).read_text(encoding="utf-8")))


def _describe_test(node: Mapping[str, Any]) -> str:
    original = node.get(DBT_TEST_NAME_KEY, node["name"])
    meta = node.get("test_metadata") or {}
    if meta.get("name"):
        kwargs = {k: v for k, v in (meta.get("kwargs") or {}).items() if k not in ("model", "column_name")}
        what = meta["name"] + (f" on {', '.join(_columns(node))}" if _columns(node) else "")
        args = ", ".join(f"{k}={v}" for k, v in kwargs.items() if k not in ("columns", "combination_of_columns"))
        text = f"dbt test {what}" + (f" ({args})" if args else "")
    else:
        text = f"dbt singular test {node.get('original_file_path', original)}"
    return f"{text}; in dbt: `dbt test --select {original}`"


class ScreeningDbtTranslator(DagsterDbtTranslator):
    """Groups by layer; check specs with a description naming the dbt test."""

    def __init__(self, settings: DagsterDbtTranslatorSettings | None = None):
        super().__init__(settings or DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return SEED_GROUP
        fqn = dbt_resource_props.get("fqn") or []
        if len(fqn) > 2 and fqn[1] in MODEL_LAYERS:
            return fqn[1]
        schema = dbt_resource_props.get("schema")
        return schema if schema in MODEL_LAYERS else super().get_group_name(dbt_resource_props)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        # raw.quality_checks is written by the quality gate: the source is the gate's asset
        if dbt_resource_props.get("resource_type") == "source" and \
                (dbt_resource_props.get("source_name"), dbt_resource_props.get("name")) == ("landing", "quality_checks"):
            return QUALITY_GATE_KEY
        return super().get_asset_key(dbt_resource_props)

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id) or {}
        if node.get("resource_type") == "model" and self.get_group_name(node) != "staging" \
                and QUALITY_GATE_KEY not in {d.asset_key for d in spec.deps}:
            spec = spec.merge_attributes(deps=[QUALITY_GATE_KEY])
        return spec

    def get_asset_check_spec(self, asset_spec: AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project) -> AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        node = manifest["nodes"][unique_id]
        return spec._replace(
            description=spec.description or _describe_test(node),
            metadata={**(spec.metadata or {}), DBT_TEST_NAME_KEY: node.get(DBT_TEST_NAME_KEY, node["name"])},
        )
