"""`pension-risk cases export` / `cases import`: the verification worklist (风险台账) as xlsx.

Export writes one row per case of the published warehouse (optionally one
county), with the current recorded values from the case store, the columns a
county fills in highlighted and drop-down lists (data validation) on 核查结论 and
整改状态. Import records the filled-in values: a blank cell leaves the recorded
value unchanged, a value equal to the recorded one changes nothing (re-importing
the same file adds no history), and a row that cannot be accepted is reported
with its sheet row number and reason while the other rows are kept.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pension_risk.cases import queries
from pension_risk.cases.store import (
    CONCLUSIONS,
    RECTIFICATION_STATUSES,
    CaseStore,
    CaseStoreError,
    normalize_case_fields,
    now_local,
    resolve_store_path,
)
from pension_risk.errors import PensionRiskError

EXIT_OK, EXIT_PARTIAL = 0, 3
SHEET = "风险台账"

#: (header, ledger column, filled in by the county?)
EXPORT_COLUMNS: list[tuple[str, str, bool]] = [
    ("案件编号", "case_id", False),
    ("类型", "case_type", False),
    ("县区代码", "county_code", False),
    ("规则编号", "rule_code", False),
    ("问题项", "rule_name", False),
    ("对象编号", "subject_id", False),
    ("人员编号", "person_id", False),
    ("姓名", "person_name", False),
    ("公民身份号码", "id_number", False),
    ("涉及金额(元)", "amount", False),
    ("仍被筛出", "detected", False),
    ("下发日期", "issued_on", False),
    ("逾期未核查", "overdue", False),
    ("关联系统疑点", "matched_flag_ids", False),
    ("疑点依据", "evidence", False),
    ("核查结论", "conclusion", True),
    ("问题说明", "problem_note", True),
    ("追回金额(元)", "recovered_amount", True),
    ("整改状态", "rectification_status", True),
    ("整改措施", "rectification_measures", True),
    ("核查人", "verified_by", True),
    ("核查日期", "verified_on", True),
]
HEADER_TO_FIELD = {h: c for h, c, fill in EXPORT_COLUMNS if fill}
CASE_TYPE_LABELS = {"flag": "系统筛查疑点", "suspect": "部省下发疑点"}


@dataclass
class ImportReport:
    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.rejected else EXIT_OK


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.date, dt.datetime)):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        import pandas as pd

        if value is pd.NaT:
            return None
    except Exception:  # pragma: no cover
        pass
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if type(value).__name__ == "Decimal":
        return float(value)
    return value


def write_worklist(df, out: Path, title: str) -> Path:
    """Write the worklist frame (queries.worklist) to out as xlsx."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([h for h, _c, _f in EXPORT_COLUMNS])
    fill_in = PatternFill("solid", fgColor="FFF2CC")
    for col, (_h, _c, fillable) in enumerate(EXPORT_COLUMNS, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        if fillable:
            cell.fill = fill_in
    for rec in df.to_dict("records"):
        row = []
        for _h, c, _f in EXPORT_COLUMNS:
            v = rec.get(c)
            if c == "case_type":
                v = CASE_TYPE_LABELS.get(v, v)
            row.append(_cell(v))
        ws.append(row)
    last = max(ws.max_row, 2)
    widths = {"案件编号": 36, "问题项": 30, "疑点依据": 50, "问题说明": 30, "整改措施": 30, "关联系统疑点": 36}
    for col, (h, c, _fillable) in enumerate(EXPORT_COLUMNS, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = widths.get(h, 14)
        if c in ("amount", "recovered_amount"):
            for r in range(2, ws.max_row + 1):
                ws.cell(row=r, column=col).number_format = "0.00"
        if c in ("issued_on", "verified_on"):
            for r in range(2, ws.max_row + 1):
                ws.cell(row=r, column=col).number_format = "yyyy-mm-dd"
    columns = {c: get_column_letter(i) for i, (_h, c, _f) in enumerate(EXPORT_COLUMNS, start=1)}
    for name, values in (("conclusion", CONCLUSIONS), ("rectification_status", RECTIFICATION_STATUSES)):
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="无效的值", error="请从下拉列表中选择：" + "/".join(values))
        ws.add_data_validation(dv)
        dv.add(f"{columns[name]}2:{columns[name]}{max(last, 1000)}")
    amount_dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                               showErrorMessage=True, error="追回金额须为不小于0的金额（元）")
    ws.add_data_validation(amount_dv)
    amount_dv.add(f"{columns['recovered_amount']}2:{columns['recovered_amount']}{max(last, 1000)}")
    date_dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                             showErrorMessage=True, error="核查日期须为日期（YYYY-MM-DD）")
    ws.add_data_validation(date_dv)
    date_dv.add(f"{columns['verified_on']}2:{columns['verified_on']}{max(last, 1000)}")
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{ws.max_row}"

    info = wb.create_sheet("填写说明")
    for line in (
        [title],
        ["黄色表头的列由核查单位填写：核查结论（属实/不属实/核查中）、问题说明、追回金额(元)、整改状态（未整改/整改中/已整改）、整改措施、核查人、核查日期。"],
        ["请勿修改“案件编号”；空白单元格表示不修改已登记的内容；导入时逐行校验，无法接受的行会报告行号和原因，其余行照常登记。"],
        ["导出时间：" + now_local().isoformat(sep=" ")],
    ):
        info.append(line)
    info.column_dimensions["A"].width = 120
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out


def export_command(warehouse: Path, out: Path, agency: str | None, store: Path | None) -> int:
    """`pension-risk cases export`: the worklist (风险台账) of every case, optionally one agency."""
    warehouse, out = Path(warehouse), Path(out)
    store_file = resolve_store_path(warehouse, store)
    if agency is not None:
        known = set(queries.agencies(warehouse)["agency_code"].astype(str))
        if known and agency not in known:
            raise PensionRiskError(f"unknown agency code {agency!r} (one of {', '.join(sorted(known))})")
    df = queries.worklist(warehouse, agency, store_file)
    title = f"社保基金管理风险台账（{agency or '全市'}）"
    write_worklist(df, out, title)
    print(f"wrote {out}: {len(df)} cases" + (f" of agency {agency}" if agency else ""), file=sys.stderr)
    return EXIT_OK


def _read_sheet(xlsx: Path):
    from openpyxl import load_workbook

    if not xlsx.is_file():
        raise PensionRiskError(f"file not found: {xlsx}")
    try:
        wb = load_workbook(xlsx, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a non-xlsx file
        raise PensionRiskError(f"{xlsx}: not a readable xlsx file ({type(exc).__name__})") from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        raise PensionRiskError(f"{xlsx}: the sheet is empty")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    if "案件编号" not in header:
        raise PensionRiskError(f"{xlsx}: no 案件编号 column in the header row (is this a worklist from `cases export`?)")
    if not any(h in HEADER_TO_FIELD for h in header):
        raise PensionRiskError(f"{xlsx}: none of the columns to fill in ({', '.join(HEADER_TO_FIELD)}) is present")
    return header, rows[1:]


def import_rows(xlsx: Path, warehouse: Path, by: str, store: Path | None,
                at: dt.datetime | None = None) -> ImportReport:
    """Record the filled-in rows; see module docstring. Returns what happened per row."""
    xlsx, warehouse = Path(xlsx), Path(warehouse)
    if not str(by or "").strip():
        raise PensionRiskError("--by must name who records")
    header, rows = _read_sheet(xlsx)
    identities = queries.case_identities(warehouse)
    cs = CaseStore(resolve_store_path(warehouse, store))
    at = at or now_local()
    index = {h: i for i, h in enumerate(header) if h}
    report = ImportReport()
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows):
        row_number = offset + 2  # sheet row: header is row 1
        values = {h: (row[i] if i < len(row) else None) for h, i in index.items()}
        case_id = values.get("案件编号")
        case_id = str(case_id).strip() if case_id is not None else ""
        filled = {HEADER_TO_FIELD[h]: v for h, v in values.items()
                  if h in HEADER_TO_FIELD and v is not None and str(v).strip() != ""}
        if not case_id and not filled and all(v is None or str(v).strip() == "" for v in values.values()):
            continue  # an empty row
        report.rows += 1
        if not case_id:
            report.rejected.append((row_number, "案件编号为空"))
            continue
        if case_id in seen:
            report.rejected.append((row_number, f"案件编号 {case_id} 重复（与第{seen[case_id]}行重复）"))
            continue
        seen[case_id] = row_number
        identity = identities.get(case_id)
        if identity is None:
            report.rejected.append((row_number, f"案件编号 {case_id} 不在台账中"))
            continue
        if not filled:
            report.unchanged += 1
            continue
        try:
            fields = normalize_case_fields(filled)
            result = cs.record_conclusion(
                case_id, fields, by, at, case_type=identity["case_type"],
                identity={k: identity[k] for k in ("rule_code", "subject_id", "person_id", "county_code")},
                source=f"import:{xlsx.name}",
            )
        except CaseStoreError as exc:
            report.rejected.append((row_number, str(exc)))
            continue
        if result.changed:
            report.changed += 1
        else:
            report.unchanged += 1
    return report


def import_command(xlsx: Path, warehouse: Path, by: str, store: Path | None) -> int:
    """`pension-risk cases import`: 0 every row accepted, 3 some rows rejected (the others kept)."""
    report = import_rows(xlsx, warehouse, by, store)
    for row_number, reason in report.rejected:
        print(f"{xlsx}: row {row_number}: rejected: {reason}", file=sys.stderr)
    print(
        f"imported {xlsx}: {report.rows} rows, {report.changed} changed, {report.unchanged} unchanged, "
        f"{len(report.rejected)} rejected",
        file=sys.stderr,
    )
    return report.exit_code
