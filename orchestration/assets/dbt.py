"""dbt models as assets in two steps around the quality gate; dbt tests become asset checks.

`staging_models` (seeds and the staging layer) is built first; orchestration/assets/quality.py
judges the new batches; `screening_models` (intermediate and marts) starts only after the gate.

Grouped by layer, with readable check names (orchestration/dbt_translator.py); in the
`warehouse_writer` pool like every asset that writes the building warehouse.
"""

import os
import shutil
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, Failure
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_translator import ScreeningDbtTranslator, load_readable_manifest
from orchestration.project import dbt_project
from orchestration.resources import WAREHOUSE_WRITER_POOL, WarehouseResource
from pension_risk import progress, published


def replay_batches(building: str) -> list[str]:
    """Accepted batches newer than the last published build, except the newest.

    Rebuilding the rules once per such batch (`through_batch`) before the full
    build keeps `first_seen_batch` right when several batches arrive in one run.
    """
    con = duckdb.connect(building, read_only=True)
    try:
        accepted = [r[0] for r in con.execute(
            "select distinct batch_id from raw.batches where status = 'accepted' order by batch_id").fetchall()]
        has_log = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'build_log'"
        ).fetchall()[0][0]
        last = con.execute("select max(batch_id) from raw.build_log").fetchall()[0][0] if has_log else None
    finally:
        con.close()
    pending = [b for b in accepted if last is None or b > last]
    return pending[:-1]


def dbt_failures(run_results: dict | None) -> str:
    """One line naming every failed model or test of a dbt invocation and why."""
    if not run_results:
        return "dbt failed (no run results)"
    failed = [
        f"{r['unique_id'].split('.')[-1]}: {' '.join(str(r.get('message') or r['status']).split())[:300]}"
        for r in run_results.get("results", [])
        if r.get("status") in ("error", "fail", "runtime error")
    ]
    return "dbt failed — " + "; ".join(failed[:5]) + (f" (+{len(failed) - 5} more)" if len(failed) > 5 else "")


def run_results(invocation) -> dict | None:
    """run_results.json of a finished dbt invocation, None when dbt stopped before writing it."""
    try:
        return invocation.get_artifact("run_results.json")
    except (OSError, ValueError):
        return None


def keep_partial_parse(invocation) -> None:
    """Hand this invocation's parse of the project on to the next one.

    dagster-dbt gives every invocation its own target directory, seeded with
    `target/partial_parse.msgpack`; dbt re-parses the whole project (about 10 s) whenever that
    file was written for another warehouse path or other vars. Within one run the path is the
    same, so after the first invocation the others parse only what changed (a history replay
    changes an environment variable: dbt re-parses the one model that reads it). Written
    atomically: another run on another warehouse at the same time costs a re-parse, nothing else.
    """
    src = Path(invocation.target_path) / "partial_parse.msgpack"
    dst = Path(dbt_project.project_dir) / "target" / "partial_parse.msgpack"
    if not src.is_file():
        return
    tmp = dst.with_name(f".partial_parse.{os.getpid()}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except OSError:
        tmp.unlink(missing_ok=True)


#: narrows the current-state models to batches <= this batch id (a history replay)
THROUGH_BATCH_ENV = "PENSION_RISK_THROUGH_BATCH"
#: the digest of the dbt project's code (screening_code_digest): a current-state table kept from
#: the previous build (dbt_project/macros/current_state.sql) is rebuilt when it differs
CODE_DIGEST_ENV = "PENSION_RISK_CODE_DIGEST"


def discard_target(invocation) -> None:
    """Remove a finished invocation's own target directory (manifest, compiled SQL, dbt.log: ~14 MB).

    dagster-dbt gives every invocation a new directory under dbt_project/target and never removes
    it: three per nightly run, 15 GB a year. What a run needs of it (the parse, the results) has
    been read by now; the run log has dbt's output. A failed invocation keeps its directory, named
    in the failure, for whoever looks into it.
    """
    shutil.rmtree(invocation.target_path, ignore_errors=True)


def _finish(invocation, warehouse: WarehouseResource) -> None:
    """After a dbt invocation: keep its parse, settle its WAL, then discard its files or fail naming them."""
    keep_partial_parse(invocation)
    published.settle_dbt_wal(warehouse.lock)
    if not invocation.is_successful():
        raise Failure(description=f"{dbt_failures(run_results(invocation))} (dbt's files: {invocation.target_path})")
    discard_target(invocation)


def _run_or_fail(invocation, warehouse: WarehouseResource) -> None:
    for event in invocation.stream_raw_events():
        if event.is_result_event:  # one per finished model: the run's progress counts it
            progress.current.dbt_node_done()
    _finish(invocation, warehouse)


def _start_stage(context: AssetExecutionContext, stage: str) -> None:
    """The run's progress: this dbt step and how many nodes (models, seeds, tests) it builds."""
    progress.current.set_stage(stage, dbt_total=len(context.selected_asset_keys)
                               + len(context.selected_asset_check_keys))


def _counted(events):
    """dagster-dbt's events, one per finished model, seed or test, counted into the run's progress."""
    for event in events:
        progress.current.dbt_node_done()
        yield event


#: the staging layer and the reference seeds: built first, then judged by the quality gate
STAGING_SELECT = "path:models/staging resource_type:seed"
#: everything else: intermediate and marts, built after the gate
SCREENING_SELECT = "path:models/intermediate path:models/marts"
#: what a history replay rebuilds (`dbt run`): every model the first_seen_batch table depends on
REPLAY_SELECT, REPLAY_EXCLUDE = "+flag_first_seen", STAGING_SELECT


def replay_model_count() -> int:
    """How many models one history replay builds (dbt's own selection of REPLAY_SELECT), for the progress."""
    import json

    from dagster_dbt.utils import select_unique_ids

    manifest = json.loads(Path(dbt_project.manifest_path).read_text(encoding="utf-8"))
    return sum(1 for uid in select_unique_ids(select=REPLAY_SELECT, exclude=REPLAY_EXCLUDE, selector="",
                                              project=dbt_project, manifest_json=manifest)
               if uid.startswith("model."))


@dbt_assets(
    manifest=load_readable_manifest(dbt_project.manifest_path),
    project=dbt_project,
    select=STAGING_SELECT,
    name="staging_models",
    dagster_dbt_translator=ScreeningDbtTranslator(),
    pool=WAREHOUSE_WRITER_POOL,
)
def staging_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """dbt build of the reference seeds and the staging layer (every delivered row typed, judged, staged).

    The base models are incremental (only new batch versions are parsed); when the staging SQL
    changed since they were built, they are rebuilt from all raw rows (--full-refresh).
    """
    _start_stage(context, "staging (dbt)")
    from expectations.batch import preload_great_expectations

    preload_great_expectations()  # the quality gate after this step needs it; this process waits for dbt
    # set in every dbt command of a run, not only where it is read: a value that changes between
    # commands makes dbt re-parse the models reading it at each of them
    os.environ[CODE_DIGEST_ENV] = screening_code_digest()
    code = staging_code_digest()
    args = ["build", "--exclude", "test_type:unit", "--indirect-selection", "buildable"]
    built_with = _staging_built_with(str(warehouse.building))
    if built_with is not None and built_with != code:
        context.log.info("the staging SQL changed since the base tables were built: rebuilding them from raw")
        args.append("--full-refresh")
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    yield from _counted(invocation.stream())
    _finish(invocation, warehouse)
    con = published.connect_building(warehouse.building)
    try:
        con.execute(f"create or replace table {STAGING_CODE} as select ? as digest, current_timestamp as built_at",
                    [code])
        con.execute(f"comment on table {STAGING_CODE} is 'Digest of the staging SQL (models/staging, macros, "
                    "dbt_project.yml) the incremental base_landing tables were built with; another digest "
                    "makes the next run rebuild them from raw.'")
    finally:
        con.close()


#: the digest of the staging SQL the incremental base tables of a warehouse were built with
STAGING_CODE = "raw.staging_code"


def staging_code_digest() -> str:
    """sha256 of everything that decides how a delivered row is parsed and judged."""
    from pension_risk.run_inputs import files_digest

    root = Path(dbt_project.project_dir)
    return files_digest([*(root / "models" / "staging").rglob("*.sql"), *(root / "macros").rglob("*.sql"),
                         root / "dbt_project.yml"], root).hexdigest()


def screening_code_digest() -> str:
    """sha256 of the whole dbt project (models, macros, dbt_project.yml, seeds): what the
    intermediate tables kept from one build to the next were computed by."""
    from pension_risk.run_inputs import files_digest

    root = Path(dbt_project.project_dir)
    files = [*(root / "models").rglob("*"), *(root / "macros").rglob("*"), root / "dbt_project.yml",
             *(root.parent / "seeds").rglob("*")]
    return files_digest([f for f in files if f.is_file()], root.parent).hexdigest()


def _staging_built_with(building: str) -> str | None:
    """The digest the base tables of this warehouse were built with; None for a warehouse without them."""
    con = duckdb.connect(building, read_only=True)
    try:
        row = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
            [STAGING_CODE.split(".")[1]]).fetchone()
        if not row[0]:
            # built before incremental staging (or never): rebuild the base tables if there are any
            has_base = con.execute("select count(*) from information_schema.tables where table_schema = 'staging' "
                                   "and table_name like 'base_landing__%'").fetchone()[0]
            return "unknown" if has_base else None
        return con.execute(f"select digest from {STAGING_CODE}").fetchone()[0]
    finally:
        con.close()


@dbt_assets(
    manifest=load_readable_manifest(dbt_project.manifest_path),
    project=dbt_project,
    select=SCREENING_SELECT,
    name="screening_models",
    dagster_dbt_translator=ScreeningDbtTranslator(),
    pool=WAREHOUSE_WRITER_POOL,
)
def screening_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """dbt build of intermediate and marts (current state -> rules -> rollups), after the quality gate."""
    # the current-state tables kept from the previous build rebuild when the code changed
    os.environ[CODE_DIGEST_ENV] = screening_code_digest()
    replays = replay_batches(str(warehouse.building))
    replay_models = replay_model_count() if replays else 0
    for number, batch_id in enumerate(replays, 1):
        context.log.info(f"replaying the rules as of batch {batch_id} (first_seen_batch)")
        progress.current.set_stage(f"replaying the rules as of batch {batch_id} ({number} of {len(replays)}, "
                                   "for first_seen_batch)", dbt_total=replay_models)
        # an environment variable, not a dbt var: dbt then re-parses only the model that reads it
        os.environ[THROUGH_BATCH_ENV] = batch_id
        try:
            replay = dbt.cli(["run", "--select", REPLAY_SELECT, "--exclude", REPLAY_EXCLUDE],
                             manifest=dbt_project.manifest_path, raise_on_error=False)
        finally:
            os.environ.pop(THROUGH_BATCH_ENV, None)
        _run_or_fail(replay, warehouse)
    _start_stage(context, "intermediate and marts (dbt)")
    # unit tests of the rule logic run in the test suite (tests/test_dbt_unit.py), not every night;
    # "buildable": a test runs in the step that builds the last of its parents
    invocation = dbt.cli(["build", "--exclude", "test_type:unit", "--indirect-selection", "buildable"],
                         context=context, raise_on_error=False)
    yield from _counted(invocation.stream())
    _finish(invocation, warehouse)
