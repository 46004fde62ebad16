"""The validation report: one HTML page beside the warehouse, rewritten every run.

`<warehouse>.quality.html` (e.g. warehouse.duckdb.quality.html) lists, per delivered batch
version (newest first), its status and every quality check with the observed and expected
figures: the history of the gate's results (raw.quality_checks), the same rows as
marts.quality_checks. Written by the publish step from the build it publishes, and by the
quality gate when it stops a run (on_block = stop_run), then headed by that run's stop.
The dashboard's 数据质量 page links it (download) and shows the same table.
Readable by owner and group only, like the warehouse (the details name internal keys).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

SEVERITY_ZH = {"block": "阻断", "warn": "警告"}
STATUS_ZH = {"accepted": "已接收", "rejected": "已拒收", "superseded": "已被替代"}


def report_path(warehouse: Path) -> Path:
    return Path(warehouse).with_name(Path(warehouse).name + ".quality.html")


def _rows(con) -> tuple[list, list]:
    batches = con.execute(
        "select batch_id, batch_version, as_of, status, reason, ingested_at from raw.batches "
        "order by batch_id desc, batch_version desc").fetchall()
    checks = con.execute(
        "select batch_id, batch_version, file, check_name, severity, passed, observed, expected, detail, checked_at "
        "from raw.quality_checks order by batch_id desc, batch_version desc, passed, file, check_name").fetchall()
    return batches, checks


def render(con, headline: str | None = None) -> str:
    import datetime as dt

    from expectations.batch import load_config

    generated_at = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    batches, checks = _rows(con)
    meaning = {name: " ".join(str(c.get("meaning", "")).split()) for name, c in load_config()["checks"].items()}
    by_batch: dict[tuple, list] = {}
    for row in checks:
        by_batch.setdefault((row[0], row[1]), []).append(row)
    e = html.escape
    out = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>数据质量校验报告</title>",
        "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
        "font-size:13px;vertical-align:top}th{background:#f3f3f3}.fail{background:#fde2e1}"
        ".warn{background:#fff4d6}.note{color:#555}</style></head><body>",
        "<h1>数据质量校验报告</h1>",
        f"<p class='note'>生成时间 {e(generated_at)}。每个新到批次在暂存层之后、集市层之前逐项校验；"
        "“阻断”项未通过则整批拒收（数据不入库），“警告”项未通过照常发布并在此提示。</p>",
    ]
    if headline:
        out.append(f"<p class='fail'><b>{e(headline)}</b></p>")
    failed = [c for c in checks if not c[5]]
    out.append(f"<p>共 {len(batches)} 个批次版本，{len(checks)} 项校验，未通过 {len(failed)} 项。</p>")
    for batch_id, version, as_of, status, reason, ingested_at in batches:
        out.append(f"<h2>批次 {e(str(batch_id))}（第 {version} 版，数据截至 {e(str(as_of))}）："
                   f"{e(STATUS_ZH.get(status, status))}</h2>")
        out.append(f"<p class='note'>接收时间 {e(str(ingested_at))}</p>")
        if reason:
            out.append(f"<p>原因：{e(reason)}</p>")
        rows = by_batch.get((batch_id, version), [])
        if not rows:
            out.append("<p class='note'>无校验记录（质量闸门启用前接收，或结构性拒收未进入校验）。</p>")
            continue
        out.append("<table><tr><th>文件</th><th>校验项</th><th>级别</th><th>结果</th><th>实测</th>"
                   "<th>期望</th><th>示例</th><th>校验时间</th></tr>")
        for _b, _v, file, name, severity, passed, observed, expected, detail, checked_at in rows:
            css = "" if passed else (" class='fail'" if severity == "block" else " class='warn'")
            title = e(meaning.get(name.split("(")[0], ""))
            out.append(
                f"<tr{css}><td>{e(file)}</td><td title='{title}'>{e(name)}</td>"
                f"<td>{e(SEVERITY_ZH.get(severity, severity))}</td><td>{'通过' if passed else '未通过'}</td>"
                f"<td>{e(observed or '')}</td><td>{e(expected or '')}</td><td>{e(detail or '')}</td>"
                f"<td>{e(str(checked_at))}</td></tr>")
        out.append("</table>")
    out.append("<h2>校验项说明</h2><table><tr><th>校验项</th><th>含义</th></tr>")
    out += [f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in meaning.items()]
    out.append("</table></body></html>")
    return "\n".join(out)


def write_report(con, warehouse: Path, headline: str | None = None) -> Path:
    """Render from `con` and write the report beside `warehouse`; returns its path."""
    return write_text(render(con, headline), warehouse)


def write_text(text: str, warehouse: Path) -> Path:
    """Write the page atomically (a reader never sees half of it), mode 0640; returns its path."""
    path = report_path(warehouse)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return path
