"""`pension-risk cases export` / `cases import`: the verification worklist (风险台账) as xlsx.

Export writes one row per case of the published warehouse (optionally one
county), ordered by priority, with the current recorded values and review state
from the case store, the columns a county fills in highlighted (yellow) and
those a reviewer fills in (复核结论 通过/退回, 复核意见; blue), with drop-down
lists (data validation). No value from data is ever written as a formula
(pension_risk.xlsx_text).

Import records the filled-in values as one authenticated account (``--by LOGIN``,
password on standard input): a verifier's rows record 初审 conclusions of its own
agency, a reviewer's rows 复核 decisions in its scope. A blank cell leaves the
recorded value unchanged, a value equal to the recorded one changes nothing
(re-importing the same file adds no history), and a row that cannot be accepted
(bad value, a formula, outside the account's rights, changed since export) is
reported with its sheet row number and reason while the other rows are kept.
The dashboard's worklist download and upload call the same functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pension_risk.cases import queries
from pension_risk.cases.store import (
    CASE_FIELDS,
    CONCLUSIONS,
    RECTIFICATION_STATUSES,
    REVIEW_DECISIONS,
    CaseStore,
    CaseStoreError,
    ConflictError,
    StoreFull,
    normalize_case_fields,
    now_local,
    resolve_store_path,
)
from pension_risk.errors import PensionRiskError

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3
SHEET = "风险台账"

#: (header, ledger column, filled in by the county?)
EXPORT_COLUMNS: list[tuple[str, str, bool]] = [
    ("案件编号", "case_id", False),
    ("优先顺序", "priority_rank", False),
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
    ("复核状态", "review_status", False),
    ("复核人", "reviewed_by", False),
    ("复核时间", "reviewed_at", False),
    ("版本", "version", False),
    ("复核结论", "review_decision", "review"),
    ("复核意见", "review_note_new", "review"),
]
#: header -> case field, for the columns a verifier fills in (初审)
HEADER_TO_FIELD = {h: c for h, c, fill in EXPORT_COLUMNS if fill is True}
#: header -> review input, for the columns a reviewer fills in (复核); exported blank
REVIEW_HEADERS = {h: c for h, c, fill in EXPORT_COLUMNS if fill == "review"}
CASE_TYPE_LABELS = {"flag": "系统筛查疑点", "suspect": "部省下发疑点"}


@dataclass
class ImportReport:
    rows: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    #: sheet rows whose change was saved (for the row report when the import stops early)
    recorded: list[int] = field(default_factory=list)
    #: the import stopped here: (sheet row, reason), e.g. the case store's disk is full
    stopped: tuple[int, str] | None = None
    #: sheet rows not tried after the stop
    not_tried: list[int] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.stopped:
            return EXIT_FAILED
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


def build_worklist(df, title: str):
    """The worklist frame (queries.worklist) as an openpyxl Workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from pension_risk.xlsx_text import append

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    append(ws, [h for h, _c, _f in EXPORT_COLUMNS])
    fill_in = PatternFill("solid", fgColor="FFF2CC")
    review_in = PatternFill("solid", fgColor="DDEBF7")
    for col, (_h, _c, fillable) in enumerate(EXPORT_COLUMNS, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        if fillable is True:
            cell.fill = fill_in
        elif fillable == "review":
            cell.fill = review_in
    for rank, rec in enumerate(df.to_dict("records"), start=1):  # rows in the worklist's order (priority)
        row = []
        for _h, c, _f in EXPORT_COLUMNS:
            v = rec.get(c)
            if c == "priority_rank":
                v = rank
            elif c == "case_type":
                v = CASE_TYPE_LABELS.get(v, v)
            elif c == "evidence":
                v = rec.get("explanation") or v
            row.append(_cell(v))
        append(ws, row)
    last = max(ws.max_row, 2)
    widths = {"案件编号": 36, "问题项": 30, "疑点依据": 60, "问题说明": 30, "整改措施": 30, "关联系统疑点": 36,
              "复核意见": 30}
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
    for name, values in (("conclusion", CONCLUSIONS), ("rectification_status", RECTIFICATION_STATUSES),
                         ("review_decision", tuple(REVIEW_DECISIONS))):
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
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{ws.max_row}"

    info = wb.create_sheet("填写说明")
    for line in (
        [title],
        ["“优先顺序”为导出时的排列序号。" + queries.PRIORITY_NOTE],
        ["黄色表头的列由核查员填写（初审）：核查结论（属实/不属实/核查中）、问题说明、追回金额(元)、整改状态（未整改/整改中/已整改）、整改措施、核查人、核查日期。"],
        ["蓝色表头的列由复核员填写（复核）：复核结论（通过/退回）、复核意见（退回时必填）。只有“待复核”的案件可以复核；复核员不能复核自己的修改。"],
        ["请勿修改“案件编号”和“版本”；空白单元格表示不修改已登记的内容；请填写值，不要填写公式。导入时逐行校验，无法接受的行会报告行号和原因，其余行照常登记。"],
        ["附件1、附件2 的核查情况只统计“已复核”的案件。"],
        ["导出时间：" + now_local().isoformat(sep=" ")],
    ):
        append(info, line)
    info.column_dimensions["A"].width = 120
    return wb


def write_worklist(df, out: Path, title: str) -> Path:
    """Write the worklist frame (queries.worklist) to out as xlsx (atomically)."""
    wb = build_worklist(df, title)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out


def worklist_bytes(df, title: str) -> bytes:
    """The worklist xlsx as bytes (the dashboard's download button)."""
    import io

    buf = io.BytesIO()
    build_worklist(df, title).save(buf)
    return buf.getvalue()


def export_command(warehouse: Path, out: Path, agency: str | None, store: Path | None) -> int:
    """`pension-risk cases export`: the worklist (风险台账) of every case, optionally one agency.

    Run by the data team on the server (like `users`); written to the audit log with the
    operating-system user as source.
    """
    from pension_risk.access import audit

    warehouse, out = Path(warehouse), Path(out)
    store_file = resolve_store_path(warehouse, store)
    if agency is not None:
        known = set(queries.agencies(warehouse)["agency_code"].astype(str))
        if known and agency not in known:
            raise PensionRiskError(f"unknown agency code {agency!r} (one of {', '.join(sorted(known))})")
    df = queries.worklist(warehouse, agency, store_file)
    title = f"社保基金管理风险台账（{agency or '全市'}）"
    write_worklist(df, out, title)
    audit.log(store_file, "export", login=audit.os_user(), target=f"worklist:{agency or '全市'}",
              detail=f"{len(df)} cases -> {out.name}", source=audit.os_source("cases export"))
    print(f"wrote {out}: {len(df)} cases" + (f" of agency {agency}" if agency else ""), file=sys.stderr)
    return EXIT_OK


@dataclass
class SheetRow:
    row_number: int
    values: dict
    formulas: list[str]


def _read_sheet(xlsx: Path) -> tuple[list[str], list[SheetRow]]:
    from openpyxl import load_workbook

    if not xlsx.is_file():
        raise PensionRiskError(f"file not found: {xlsx}")
    try:
        wb = load_workbook(xlsx, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several kinds for a non-xlsx file
        raise PensionRiskError(f"{xlsx}: not a readable xlsx file ({type(exc).__name__})") from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        try:
            raw_rows = [list(r) for r in ws.iter_rows()]
        except Exception as exc:  # truncated or corrupt sheet XML
            raise PensionRiskError(f"{xlsx}: the sheet cannot be read ({type(exc).__name__}: {exc})") from exc
    finally:
        wb.close()
    if not raw_rows:
        raise PensionRiskError(f"{xlsx}: the sheet is empty")
    header = [str(c.value).strip() if c.value is not None else "" for c in raw_rows[0]]
    if "案件编号" not in header:
        raise PensionRiskError(f"{xlsx}: no 案件编号 column in the header row (is this a worklist from `cases export`?)")
    if not any(h in HEADER_TO_FIELD or h in REVIEW_HEADERS for h in header):
        raise PensionRiskError(f"{xlsx}: none of the columns to fill in ({', '.join(HEADER_TO_FIELD)}) is present")
    rows = []
    for offset, cells in enumerate(raw_rows[1:]):
        values, formulas = {}, []
        for i, h in enumerate(header):
            if not h:
                continue
            cell = cells[i] if i < len(cells) else None
            value = None if cell is None else cell.value
            if cell is not None and getattr(cell, "data_type", None) == "f":
                formulas.append(h)
                value = None
            values[h] = value
        rows.append(SheetRow(offset + 2, values, formulas))  # sheet row: header is row 1
    return header, rows


def _blank(v) -> bool:
    return v is None or str(v).strip() == ""


def import_rows(xlsx: Path, warehouse: Path, principal, store: Path | None,
                at: dt.datetime | None = None, source: str | None = None) -> ImportReport:
    """Record the filled-in rows as ``principal`` (an authenticated account); see module docstring."""
    from pension_risk.access.roles import AccessDenied
    from pension_risk.cases import service

    xlsx, warehouse = Path(xlsx), Path(warehouse)
    header, rows = _read_sheet(xlsx)
    identities = queries.case_identities(warehouse)
    store_file = resolve_store_path(warehouse, store)
    cs = CaseStore(store_file)
    current = cs.cases()
    at = at or now_local()
    source = source or f"import:{xlsx.name}"
    report = ImportReport()
    seen: dict[str, int] = {}
    for sheet_row in rows:
        row_number, values = sheet_row.row_number, sheet_row.values
        case_id = values.get("案件编号")
        case_id = str(case_id).strip() if case_id is not None else ""
        filled = {HEADER_TO_FIELD[h]: v for h, v in values.items() if h in HEADER_TO_FIELD and not _blank(v)}
        review = {REVIEW_HEADERS[h]: v for h, v in values.items() if h in REVIEW_HEADERS and not _blank(v)}
        if not case_id and not filled and not review and not sheet_row.formulas \
                and all(_blank(v) for v in values.values()):
            continue  # an empty row
        report.rows += 1
        if sheet_row.formulas:
            report.rejected.append((row_number, f"单元格为公式（{'、'.join(sheet_row.formulas)}），请填写值而不是公式"))
            continue
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
        try:
            if principal.role.reviews:
                outcome = _import_review(principal, case_id, filled, review, values, current.get(case_id),
                                         warehouse, store_file, identities, at, source)
            else:
                if review:
                    raise AccessDenied(f"账号 {principal.login}（{principal.role.label}）无权复核：请清空复核结论、复核意见")
                if not filled:
                    report.unchanged += 1
                    continue
                outcome = service.record_case(principal, case_id, normalize_case_fields(filled),
                                              warehouse=warehouse, store=store_file, at=at, source=source,
                                              identities=identities).changed
        except StoreFull as exc:
            # every later row would fail the same way: stop, and say which rows were recorded
            report.stopped = (row_number, str(exc))
            report.not_tried = [r.row_number for r in rows if r.row_number > row_number]
            break
        except (CaseStoreError, AccessDenied) as exc:
            report.rejected.append((row_number, str(exc)))
            continue
        if outcome:
            report.changed += 1
            report.recorded.append(row_number)
        else:
            report.unchanged += 1
    return report


def _import_review(principal, case_id, filled, review, values, record, warehouse, store_file, identities, at,
                   source) -> bool:
    """One reviewer row: the 复核 decision; a changed 初审 value is outside a reviewer's rights."""
    from pension_risk.access.roles import AccessDenied
    from pension_risk.cases import service

    version = values.get("版本")
    expected = None
    if not _blank(version):
        try:
            expected = int(str(version).strip())
        except ValueError:
            raise CaseStoreError(f"版本 is not a number: {version!r}") from None
    actual = 0 if record is None else int(record["version"])
    if review and expected is not None and expected != actual and not (
            record is not None and record["reviewed_by"] == principal.login
            and record["review_status"] == REVIEW_DECISIONS.get(str(review.get("review_decision", "")).strip())):
        raise ConflictError(case_id, expected, actual)
    fields = normalize_case_fields(filled)
    changed = [CASE_FIELDS[f] for f, v in fields.items() if v != (None if record is None else record.get(f))]
    if changed:
        raise AccessDenied(f"账号 {principal.login}（{principal.role.label}）不能登记或修改核查结论"
                           f"（{'、'.join(changed)}与已登记的不同）")
    if not review:
        return False
    if "review_decision" not in review:
        raise CaseStoreError("填写了复核意见但没有复核结论（通过/退回）")
    return service.review_case(principal, case_id, str(review["review_decision"]).strip(),
                               review.get("review_note_new"), warehouse=warehouse, store=store_file,
                               expected_version=expected, at=at, source=source, identities=identities).changed


def read_password(prompt: str = "password: ", confirm: bool = False) -> str:
    """A password from the first line of standard input, or asked on the terminal (twice to confirm)."""
    import getpass

    if sys.stdin is None:
        raise PensionRiskError("no password given (standard input is closed)")
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise PensionRiskError("no password given on standard input (first line)")
        return line.rstrip("\r\n")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("again: ") != first:
        raise PensionRiskError("the two passwords differ")
    return first


def import_command(xlsx: Path, warehouse: Path, by: str, store: Path | None, password: str | None = None) -> int:
    """`pension-risk cases import`: 0 every row accepted, 3 some rows rejected (the others kept),
    1 nothing recorded (wrong password, disabled or locked account, unreadable file)."""
    from pension_risk.access import accounts, audit

    store_file = resolve_store_path(Path(warehouse), store)
    if not str(by or "").strip():
        raise PensionRiskError("--by must name the account (LOGIN) that records")
    source = audit.os_source("cases import")
    principal = accounts.authenticate(store_file, by, password if password is not None else read_password(),
                                      source=source)
    if not (principal.role.records or principal.role.reviews):
        raise PensionRiskError(f"account {principal.login} ({principal.role.label}) may not record or review cases; "
                               "nothing was recorded")
    report = import_rows(xlsx, warehouse, principal, store, source=f"import:{Path(xlsx).name} ({source})")
    for row_number, reason in report.rejected:
        print(f"{xlsx}: row {row_number}: rejected: {reason}", file=sys.stderr)
    if report.stopped:
        stop_row, reason = report.stopped
        for row_number in report.recorded:
            print(f"{xlsx}: row {row_number}: recorded", file=sys.stderr)
        print(f"{xlsx}: row {stop_row}: not recorded: {reason}", file=sys.stderr)
        for row_number in report.not_tried:
            print(f"{xlsx}: row {row_number}: not recorded (not tried after row {stop_row})", file=sys.stderr)
        with contextlib.suppress(CaseStoreError):
            audit.log(store_file, "upload", principal=principal, target=f"worklist:{Path(xlsx).name}",
                      detail=f"stopped at row {stop_row}: {len(report.recorded)} rows recorded", source=source)
        raise PensionRiskError(
            f"{reason}: the import stopped at row {stop_row} of {xlsx.name}; {len(report.recorded)} row(s) recorded "
            f"(listed above), {1 + len(report.not_tried)} not; free space and import the same file again "
            "(rows already recorded stay unchanged)")
    audit.log(store_file, "upload", principal=principal, target=f"worklist:{Path(xlsx).name}",
              detail=f"{report.rows} rows, {report.changed} changed, {report.unchanged} unchanged, "
                     f"{len(report.rejected)} rejected", source=source)
    print(
        f"imported {xlsx} as {principal.login} ({principal.role.label}): {report.rows} rows, "
        f"{report.changed} changed, {report.unchanged} unchanged, {len(report.rejected)} rejected",
        file=sys.stderr,
    )
    return report.exit_code
