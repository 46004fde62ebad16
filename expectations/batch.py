"""Batch-level expectations: each newly delivered batch version against the batches before it.

Run by the quality gate (orchestration/assets/quality.py) on the building warehouse after the
staging models are built and before any other model. Every figure is computed over the whole
batch in SQL, except the null rates, which Great Expectations evaluates on a uniform random
sample (`expect_column_values_to_not_be_null` with `mostly`). Thresholds, severities and their
meaning: expectations/batch_checks.yml. Each check yields at most one row per (batch, file,
check) for marts.quality_checks; a check that has nothing to compare with (the first batch, a
file too small) yields no row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from pension_risk.contract import FILES, FILES_BY_NAME

CONFIG_PATH = Path(__file__).with_name("batch_checks.yml")
#: another thresholds file (tests, or a bureau's own settings), same format
CONFIG_ENV = "PENSION_RISK_QUALITY_CONFIG"
SEVERITIES = ("block", "warn")
ON_BLOCK = ("reject_batch", "stop_run")
SAMPLE_SEED = 20190101


@dataclass(frozen=True)
class CheckResult:
    batch_id: str
    batch_version: int
    file: str
    check_name: str
    severity: str
    passed: bool
    observed: str
    expected: str
    detail: str

    def line(self) -> str:
        """One line naming the file, the check and the figures (a rejection's reason)."""
        label = LABELS.get(self.check_name.split("(")[0], "")
        return (f"质量校验 {self.check_name}（{label}）未通过：{self.file}，实测 {self.observed}；期望 {self.expected}"
                + (f"；示例 {self.detail}" if self.detail else ""))


@dataclass(frozen=True)
class Batch:
    batch_id: str
    version: int
    as_of: dt.date


class QualityConfigError(ValueError):
    pass


# ---------------------------------------------------------------------------- configuration

def config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or CONFIG_PATH)


def load_config(path: Path | None = None) -> dict:
    """The thresholds file, validated (a typo must not silently disable a gate)."""
    path = path or config_path()
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise QualityConfigError(f"quality thresholds {path}: cannot be read: {exc}") from None
    if config.get("on_block", "reject_batch") not in ON_BLOCK:
        raise QualityConfigError(f"quality thresholds {path}: on_block must be one of {ON_BLOCK}")
    known = set(CHECKS)
    for name, check in (config.get("checks") or {}).items():
        if name not in known:
            raise QualityConfigError(f"quality thresholds {path}: unknown check {name!r} (known: {sorted(known)})")
        for file, override in (check.get("files") or {}).items():
            if file not in FILES_BY_NAME:
                raise QualityConfigError(f"quality thresholds {path}: check {name}: unknown file {file!r}")
            if "severity" in override and override["severity"] not in SEVERITIES:
                raise QualityConfigError(f"quality thresholds {path}: check {name}, {file}: severity must be "
                                         f"block or warn")
        if check.get("severity") not in SEVERITIES:
            raise QualityConfigError(f"quality thresholds {path}: check {name}: severity must be block or warn")
    LABELS.update({name: str(check.get("label", name)) for name, check in (config.get("checks") or {}).items()})
    return config


def config_digest(path: Path | None = None) -> str:
    """Identifies the thresholds a rejection was decided with (changed file: the batch is tried again)."""
    path = path or config_path()
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def _setting(config: dict, check: str, file: str, key: str):
    settings = config["checks"][check]
    return (settings.get("files") or {}).get(file, {}).get(key, settings.get(key))


# ---------------------------------------------------------------------------- helpers

def _one(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchall()[0]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _rows(con, batch: Batch, file: str) -> int | None:
    row = con.execute("select loaded_rows from raw.batch_files where batch_id = ? and batch_version = ? "
                      "and file = ?", [batch.batch_id, batch.version, file]).fetchall()
    return row[0][0] if row else None


def previous_batch(con, batch: Batch, skip_first: bool = False) -> Batch | None:
    """The newest accepted batch before `batch`; with skip_first, never the first accepted batch
    (the history delivery, not comparable with a monthly increment)."""
    rows = con.execute(
        "select batch_id, batch_version, as_of from raw.batches where status = 'accepted' and batch_id < ? "
        "order by batch_id desc limit 1", [batch.batch_id]).fetchall()
    if not rows:
        return None
    prev = Batch(rows[0][0], rows[0][1], rows[0][2])
    if skip_first:
        first = _one(con, "select min(batch_id) from raw.batches where status = 'accepted'")[0]
        if prev.batch_id == first:
            return None
    return prev


def _result(config, check, batch: Batch, file, passed, observed, expected, detail="", name=None) -> CheckResult:
    return CheckResult(batch.batch_id, batch.version, file, name or check, _setting(config, check, file, "severity"),
                       bool(passed), observed, expected, detail)


def _shown(columns, examples) -> str:
    """Example keys for `detail`, unless a key is personal data (masked for leaders: access/masking.py)."""
    from pension_risk.access.masking import masker_for

    if not examples or any(masker_for(c) for c in columns):
        return ""
    return f"{', '.join(columns)}：{examples}"


def _staged(stem: str) -> str:
    return f"staging.stg_landing__{stem}"


# ---------------------------------------------------------------------------- the checks

def check_row_count(con, config, batch: Batch) -> Iterator[CheckResult]:
    for spec in FILES:
        prev = previous_batch(con, batch, skip_first=spec.kind == "increment")
        if prev is None:
            continue
        now, before = _rows(con, batch, spec.name), _rows(con, prev, spec.name)
        low, high = (_setting(config, "row_count", spec.name, k) for k in ("min_ratio", "max_ratio"))
        if now is None or before is None or before < _setting(config, "row_count", spec.name, "min_rows"):
            continue
        ratio = now / before
        yield _result(config, "row_count", batch, spec.name, low <= ratio <= high,
                      f"{now:,} 行，为批次 {prev.batch_id} 的 {ratio:.2f} 倍",
                      f"批次 {prev.batch_id} {before:,} 行的 {low:g}–{high:g} 倍")


def check_payout_volume(con, config, batch: Batch) -> Iterator[CheckResult]:
    """Regular payouts of the batch's main month (the pay month with the most) against the previous batch's.

    The main month, not the month of as_of: a batch cut early in a month has not paid it yet,
    and the history delivery's busiest month is its newest one, as long as a monthly batch's.
    """
    prev = previous_batch(con, batch)
    if prev is None:
        return
    sql = (f"select pay_month, count(*) as n from {_staged('payouts')} where _batch_id = ? and payout_type = '1' "
           "group by pay_month order by n desc, pay_month desc limit 1")
    now = con.execute(sql, [batch.batch_id]).fetchall()
    before = con.execute(sql, [prev.batch_id]).fetchall()
    if not before or before[0][1] < _setting(config, "payout_volume", "payouts.csv", "min_rows"):
        return
    (month, n_now), (prev_month, n_before) = (now[0] if now else (None, 0)), before[0]
    low, high = (_setting(config, "payout_volume", "payouts.csv", k) for k in ("min_ratio", "max_ratio"))
    ratio = n_now / n_before
    where = f"{month:%Y-%m} 发放 {n_now:,} 笔" if month else "没有发放记录"
    yield _result(config, "payout_volume", batch, "payouts.csv", low <= ratio <= high,
                  f"{where}（本批次发放最多的月份），为上一批次的 {ratio:.2f} 倍",
                  f"批次 {prev.batch_id} 在 {prev_month:%Y-%m} 发放 {n_before:,} 笔的 {low:g}–{high:g} 倍")


def check_rejected_share(con, config, batch: Batch) -> Iterator[CheckResult]:
    for spec in FILES:
        delivered = _rows(con, batch, spec.name)
        if not delivered or delivered < _setting(config, "rejected_share", spec.name, "min_rows"):
            continue
        rejected, examples = _one(con, (
            f"select count(*), string_agg(reason, '、' order by rn) filter (where rn <= 3) from ("
            f"  select row_number() over (order by _row_number) as rn, "
            f"         '第 ' || _row_number || ' 行（' || split_part(_reject_reason, ':', 1) || '）' as reason "
            f"  from staging.base_landing__{spec.stem} "
            f"  where _batch_id = ? and _batch_version = ? and _reject_reason is not null)"),
            [batch.batch_id, batch.version])
        malformed = _one(con, "select count(*) from raw.malformed_lines where _batch_id = ? and _batch_version = ? "
                              "and _file = ?", [batch.batch_id, batch.version, spec.name])[0]
        share = (rejected + malformed) / delivered
        limit = _setting(config, "rejected_share", spec.name, "max_share")
        yield _result(config, "rejected_share", batch, spec.name, share <= limit,
                      f"{delivered:,} 行中拒收 {rejected + malformed:,} 行（{_pct(share)}）",
                      f"不超过 {_pct(limit)}", examples or "")


def check_amount_level(con, config, batch: Batch) -> Iterator[CheckResult]:
    file = "payouts.csv"
    prev = previous_batch(con, batch)
    first_month = (dt.date(prev.as_of.year, prev.as_of.month, 1) if prev else None)
    as_of_month = dt.date(batch.as_of.year, batch.as_of.month, 1)
    rows = con.execute(f"""
        with schemes as (
            select distinct benefit_id, scheme_code from {_staged('benefits')} where _batch_id = ?
        ),
        regular as (
            select p.pay_month, p.amount, p._batch_id, s.scheme_code
            from {_staged('payouts')} as p
            inner join schemes as s on p.benefit_id = s.benefit_id
            where p.payout_type = '1' and (p._batch_id = ? or p._batch_id in (
                select batch_id from raw.batches where status = 'accepted' and batch_id < ?))
        ),
        checked as (
            select scheme_code, pay_month, count(*) as n, avg(amount) as mean
            from regular
            where _batch_id = ? and (case when ? is null then pay_month = ? else pay_month > ? end)
            group by scheme_code, pay_month
        ),
        start as (select min(pay_month) as m from checked),
        baseline as (
            select scheme_code, count(*) as n, avg(amount) as mean
            from regular, start
            where pay_month < start.m and pay_month >= start.m - interval 12 month
            group by scheme_code
        )
        select c.scheme_code, c.pay_month, c.n, c.mean, b.n, b.mean
        from checked c inner join baseline b on c.scheme_code = b.scheme_code
        order by c.scheme_code, c.pay_month
    """, [batch.batch_id, batch.batch_id, batch.batch_id, batch.batch_id, first_month, as_of_month, first_month]
    ).fetchall()
    min_rows = _setting(config, "amount_level", file, "min_rows")
    low, high = (_setting(config, "amount_level", file, k) for k in ("min_ratio", "max_ratio"))
    judged = [(scheme, month, n, float(mean), bn, float(bmean), float(mean) / float(bmean))
              for scheme, month, n, mean, bn, bmean in rows if n >= min_rows and bn >= min_rows and bmean]
    if not judged:
        return
    worst = max(judged, key=lambda r: max(r[6], 1 / r[6] if r[6] else float("inf")))
    failed = [r for r in judged if not low <= r[6] <= high]
    scheme, month, n, mean, _bn, bmean, ratio = worst
    detail = "；".join(f"险种 {s} {m:%Y-%m}：{mu:,.2f} 元，前 12 个月 {bm:,.2f} 元（{r:.2f} 倍）"
                       for s, m, _n, mu, _b, bm, r in (failed or [worst])[:3])
    yield _result(config, "amount_level", batch, file, not failed,
                  f"险种 {scheme} {month:%Y-%m} 正常发放平均 {mean:,.2f} 元（{n:,} 笔），为前 12 个月的 {ratio:.2f} 倍",
                  f"前 12 个月平均 {bmean:,.2f} 元的 {low:g}–{high:g} 倍", detail)


def check_keys_vanished(con, config, batch: Batch) -> Iterator[CheckResult]:
    prev = previous_batch(con, batch)
    if prev is None:
        return
    for spec in FILES:
        if spec.kind != "snapshot":
            continue
        keys = ", ".join(spec.key)
        before = _one(con, f"select count(*) from (select distinct {keys} from {_staged(spec.stem)} "
                           f"where _batch_id = ?)", [prev.batch_id])[0]
        if before < _setting(config, "keys_vanished", spec.name, "min_rows"):
            continue
        gone, examples = _one(con, f"""
            select count(*), string_agg(k, ', ' order by k) filter (where rn <= 5) from (
                select concat_ws('/', {', '.join(f'cast({c} as varchar)' for c in spec.key)}) as k,
                       row_number() over (order by {keys}) as rn
                from (select distinct {keys} from {_staged(spec.stem)} where _batch_id = ?
                      except
                      select distinct {keys} from {_staged(spec.stem)} where _batch_id = ?))
        """, [prev.batch_id, batch.batch_id])
        share = gone / before
        limit = _setting(config, "keys_vanished", spec.name, "max_share")
        yield _result(config, "keys_vanished", batch, spec.name, share <= limit,
                      f"批次 {prev.batch_id} 的 {before:,} 个 {keys} 中缺失 {gone:,} 个（{_pct(share)}）",
                      f"不超过 {_pct(limit)}", _shown(spec.key, examples))


def check_reference_coverage(con, config, batch: Batch) -> Iterator[CheckResult]:
    for ref in config["checks"]["reference_coverage"].get("references") or []:
        file, column, to, key = ref["file"], ref["column"], ref["to"], ref["key"]
        stem, to_stem = FILES_BY_NAME[file].stem, FILES_BY_NAME[to].stem
        total, missing, examples = _one(con, f"""
            with rows as (select {column} as v from {_staged(stem)} where _batch_id = ?),
            keys as (select distinct {key} as k from {_staged(to_stem)} where _batch_id = ?),
            unmatched as (select v from rows where v is not null and v not in (select k from keys))
            select (select count(*) from rows), (select count(*) from unmatched),
                   (select string_agg(v, ', ') from (select distinct v from unmatched order by v limit 5))
        """, [batch.batch_id, batch.batch_id])
        if total < _setting(config, "reference_coverage", file, "min_rows"):
            continue
        share = (total - missing) / total
        limit = _setting(config, "reference_coverage", file, "min_share")
        yield _result(config, "reference_coverage", batch, file, share >= limit,
                      f"{total:,} 行中 {_pct(share)} 的 {column} 在 {to} 中找到（{missing:,} 行未找到）",
                      f"不低于 {_pct(limit)}", _shown([column], examples),
                      name=f"reference_coverage({column})")


def check_null_rate(con, config, batch: Batch) -> Iterator[CheckResult]:
    """Great Expectations on a uniform random sample of the batch's delivered rows of each file.

    GE is handed, per sampled row and judged column, whether the value is there (1.0) or empty
    (null), not the value: a null-rate expectation needs nothing more, no personal data is copied
    into GE's context, and GE hashes a frame of floats, not of strings (at 1,000,000 persons the
    strings cost 2.4 s of hashing per nightly gate). The sample is a Bernoulli sample of about
    `sample_rows` rows: DuckDB draws it while it scans, where a reservoir of exactly that many rows
    took 1 to 2 s per large file (docs/PERFORMANCE.md).
    """
    # an increment file is compared with a monthly increment, never with the first (history)
    # delivery: there, e.g. operations.batch_id is filled for years of payout approvals, while
    # a month's operations are mostly logins without one
    latest = {"snapshot": previous_batch(con, batch), "increment": previous_batch(con, batch, skip_first=True)}
    sample_rows = int(config.get("sample_rows", 200_000))
    for spec in FILES:
        prev = latest[spec.kind]
        if prev is None:
            continue
        min_rows = _setting(config, "null_rate", spec.name, "min_rows")
        now_rows, prev_rows = _rows(con, batch, spec.name) or 0, _rows(con, prev, spec.name) or 0
        if now_rows < min_rows or prev_rows < min_rows:
            continue
        empty = ", ".join(f"avg(case when nullif(trim(\"{c}\"), '') is null then 1.0 else 0 end)" for c in spec.columns)
        before = _one(con, f"select {empty} from raw.{spec.stem} where _batch_id = ? and _batch_version = ?",
                      [prev.batch_id, prev.version])
        increase = _setting(config, "null_rate", spec.name, "max_increase")
        allowed = {c: float(b or 0) + increase for c, b in zip(spec.columns, before, strict=True)}
        judged = [c for c in spec.columns if allowed[c] < 1]
        if not judged:
            continue
        present = ", ".join(f"case when nullif(trim(\"{c}\"), '') is null then null else 1.0 end as \"{c}\""
                            for c in judged)
        sample = ("" if now_rows <= sample_rows else
                  f" using sample {100 * sample_rows / now_rows:.6f}% (bernoulli, {SAMPLE_SEED})")
        frame = con.execute(f"select {present} from (select * from raw.{spec.stem} where _batch_id = ? "
                            f"and _batch_version = ?){sample}", [batch.batch_id, batch.version]).df()
        failures = _ge_not_null(f"{spec.stem}_{batch.batch_id}_v{batch.version}", frame,
                                {c: 1 - allowed[c] for c in judged})
        if failures:
            worst_col = max(failures, key=failures.get)
            observed = "；".join(f"{c} 空值 {_pct(r)}（批次 {prev.batch_id}：{_pct(allowed[c] - increase)}）"
                                 for c, r in sorted(failures.items(), key=lambda x: -x[1])[:3])
            rows = con.execute(f"select _row_number from raw.{spec.stem} where _batch_id = ? and _batch_version = ? "
                               f"and nullif(trim(\"{worst_col}\"), '') is null order by _row_number limit 3",
                               [batch.batch_id, batch.version]).fetchall()
            detail = f"{worst_col} 为空：第 " + "、".join(str(r[0]) for r in rows) + " 行"
        else:
            observed = f"{len(judged)} 列的空值比例均在允许范围内"
            detail = ""
        how = f"随机抽样 {len(frame):,} / {now_rows:,} 行" if now_rows > sample_rows else f"全部 {now_rows:,} 行"
        yield _result(config, "null_rate", batch, spec.name, not failures, f"{observed}（{how}）",
                      f"每列空值比例不超过批次 {prev.batch_id} 的比例 + {_pct(increase)}", detail)


def _import_gx():
    """great_expectations, imported with its analytics off (a few seconds the first time)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import warnings

    # GX imports pyspark when it is installed (the Spark comparison needs it); its pandas-version
    # notice is about pyspark's pandas API, which the gate does not use
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    import great_expectations as gx

    return gx


def preload_great_expectations() -> None:
    """Import Great Expectations in a background thread (about 3 s of CPU): called while dbt builds
    the staging layer in its own process, so the quality gate after it does not wait for the import."""
    import threading

    threading.Thread(target=_import_gx, name="preload-great-expectations", daemon=True).start()


def _ge_not_null(name: str, frame, mostly: dict[str, float]) -> dict[str, float]:
    """{column: empty share} of the columns whose expectation fails (Great Expectations)."""
    gx = _import_gx()

    ctx = _context()
    source = ctx.data_sources.add_or_update_pandas("batch_samples")
    try:
        source.delete_asset(name)
    except Exception:  # not there yet
        pass
    batch_def = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("sample")
    suite = gx.ExpectationSuite(name=name, expectations=[
        gx.expectations.ExpectColumnValuesToNotBeNull(column=c, mostly=round(max(0.0, m), 6))
        for c, m in mostly.items()])
    result = batch_def.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
    return {r.expectation_config.kwargs["column"]: (r.result.get("unexpected_percent") or 0) / 100
            for r in result.results if not r.success}


_CONTEXT = None


def _context():
    global _CONTEXT
    if _CONTEXT is None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _CONTEXT = gx.get_context(mode="ephemeral")
        _CONTEXT.variables.progress_bars = ProgressBarsConfig(globally=False)
    return _CONTEXT


#: the checks' Chinese names (batch_checks.yml `label`), for messages and the dashboard
LABELS: dict[str, str] = {}


CHECKS = {
    "row_count": check_row_count,
    "payout_volume": check_payout_volume,
    "rejected_share": check_rejected_share,
    "amount_level": check_amount_level,
    "null_rate": check_null_rate,
    "keys_vanished": check_keys_vanished,
    "reference_coverage": check_reference_coverage,
}


def run_checks(con, batch: Batch, config: dict) -> list[CheckResult]:
    """Every configured check of one batch version (read-only on `con`)."""
    results: list[CheckResult] = []
    for name in config.get("checks") or {}:
        results.extend(CHECKS[name](con, config, batch))
    return results
