"""Field-verification sheets (核查通知单) as PDF: `pension-risk cases sheets`.

One PDF per agency: a cover page listing the open cases by town (乡镇/街道) and
village (行政村/社区), then one case per page (or more): the person and address,
the flag's Chinese explanation (marts.risk_flags.explanation), the payouts or
records behind it as small tables with Chinese column headers, and blanks for the
visit (核查情况, 核查结论, 核查人签字, 日期).

Cases are the agency's worklist (pension_risk.cases.queries.worklist: the published
ledger with the case store's current values) that still need a visit: detected and
without a final conclusion (属实 / 不属实), or returned by the reviewer (已退回).
Persons, regions and the Chinese names of codes and evidence keys are read from the
published warehouse with one short-lived read-only connection.

The PDF is made with fpdf2 and embeds a subset of Noto Sans CJK SC (Debian
fonts-noto-cjk): the sheets print the same on any office printer and PDF reader,
whatever fonts the printing PC has (a non-embedded CID font such as reportlab's
STSong-Light relies on the reader substituting a Chinese font).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pension_risk.cases import evidence as evidence_view
from pension_risk.errors import PensionRiskError

FONT_ENV = "PENSION_RISK_CJK_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{style}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{style}.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-{style}.ttc",
)
# index of "Noto Sans CJK SC" in the Noto CJK collections (JP, KR, SC, TC, HK)
SC_INDEX = 2
FINAL_CONCLUSIONS = ("属实", "不属实")
MAX_TABLE_ROWS = 15
NOTHING = "—"

NO_VILLAGE = "未登记乡镇、村"
OFFICE = "经办机构内部核查"  # cases about users, batches, reconciliations: checked in the office


@dataclass
class Case:
    case_id: str
    case_type: str
    rule_code: str | None
    rule_name: str
    section: str | None
    subject_id: str | None
    amount: Decimal | None
    priority: float | None
    explanation: str
    evidence: dict
    review_status: str | None
    conclusion: str | None
    person: dict | None = None  # the person visited (name, id_number, gender, birth_date, phone, town, village)
    group: tuple = ()  # (kind, town_code, village_code) for ordering
    town: str = ""
    village: str = ""
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------- font

def find_cjk_font(style: str = "Regular") -> tuple[str, int]:
    """(path, collection index) of Noto Sans CJK SC, or a PensionRiskError saying how to get it."""
    env = os.environ.get(FONT_ENV)
    if env and style == "Regular":
        if not Path(env).is_file():
            raise PensionRiskError(f"{FONT_ENV}={env}: no such font file")
        return env, SC_INDEX if env.lower().endswith(".ttc") else 0
    for pattern in FONT_CANDIDATES:
        path = pattern.format(style=style)
        if Path(path).is_file():
            return path, SC_INDEX
    if shutil.which("fc-match"):
        spec = "Noto Sans CJK SC" + (":bold" if style == "Bold" else "")
        out = subprocess.run(["fc-match", "-f", "%{file}:%{index}", spec], capture_output=True, text=True)
        path, _, index = out.stdout.rpartition(":")
        if out.returncode == 0 and "NotoSansCJK" in path and Path(path).is_file():
            return path, int(index or 0)
    if style == "Bold":
        return find_cjk_font("Regular")
    raise PensionRiskError("no Chinese font for the PDF: install Debian's fonts-noto-cjk "
                           f"(apt-get install fonts-noto-cjk) or set {FONT_ENV} to a CJK font file")


# ---------------------------------------------------------------- reading the warehouse

def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@dataclass
class Reference:
    agency_name: str
    as_of: dt.date | None
    code_names: dict[tuple[str, str], str]
    key_labels: dict[tuple[str, str], tuple[str, str | None]]  # (rule_code or '', key) -> (label, code_set)
    regions: dict[str, str]
    persons: dict[str, dict]
    persons_by_nid: dict[str, str]


def read_reference(warehouse: Path, agency: str) -> Reference:
    from pension_risk.cases.queries import connect

    with connect(warehouse) as con:
        agencies = {r["agency_code"]: r["agency_name"] for r in _rows(con, "select * from reference.agencies")}
        if agency not in agencies:
            raise PensionRiskError(f"unknown agency {agency!r} (one of {', '.join(sorted(agencies))})")
        try:
            code_names = {(r["code_set"], r["code"]): r["name"] for r in _rows(con, "select * from reference.code_names")}
            labels = {(r["rule_code"] or "", r["key"]): (r["label"], r["code_set"])
                      for r in _rows(con, "select * from reference.evidence_keys")}
        except Exception as exc:  # duckdb.CatalogException: a warehouse built before the seeds existed
            raise PensionRiskError(f"the warehouse has no Chinese code names yet ({str(exc).splitlines()[0]}); "
                                   "run `pension-risk run` again") from exc
        for code, name in agencies.items():
            code_names[("agency", code)] = name
        regions = {r["code"]: r["name"] for r in _rows(con, "select code, name from intermediate.int_regions_current")}
        persons = {r["person_id"]: r for r in _rows(
            con, "select person_id, name, coalesce(nid, id_number) as id_number, nid, gender, birth_date, "
                 "county_code, town_code, village_code, phone from intermediate.int_persons_current")}
        as_of_rows = _rows(con, "select as_of from intermediate.int_as_of")
    by_nid: dict[str, str] = {}
    for pid in sorted(persons):
        nid = persons[pid]["nid"]
        if nid and nid not in by_nid:
            by_nid[nid] = pid
    return Reference(agencies[agency], as_of_rows[0]["as_of"] if as_of_rows else None, code_names, labels, regions,
                     persons, by_nid)


def _none(value: Any) -> Any:
    try:
        import pandas as pd

        if value is not None and not isinstance(value, list | dict | str) and pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def open_cases(warehouse: Path, agency: str, store: Path | None, ref: Reference) -> list[Case]:
    """The agency's cases that still need a visit, with their person and place, in print order."""
    from pension_risk.cases.queries import worklist

    df = worklist(warehouse, agency, store)
    cases: list[Case] = []
    for row in df.to_dict("records"):
        row = {k: _none(v) for k, v in row.items()}
        if row.get("detected") is False:
            continue
        if row.get("conclusion") in FINAL_CONCLUSIONS and row.get("review_status") != "已退回":
            continue
        try:
            evidence = json.loads(row["evidence"]) if row.get("evidence") else {}
        except (TypeError, ValueError):
            evidence = {}
        case = Case(
            case_id=row["case_id"], case_type=row["case_type"], rule_code=row.get("rule_code"),
            rule_name=row.get("rule_name") or ("部省下发疑点" if row["case_type"] == "suspect" else ""),
            section=row.get("section"), subject_id=row.get("subject_id"),
            amount=None if row.get("amount") is None else Decimal(str(row["amount"])),
            priority=None if row.get("priority") is None else float(row["priority"]),
            explanation=row.get("explanation") or _suspect_explanation(row, evidence),
            evidence=evidence, review_status=row.get("review_status"), conclusion=row.get("conclusion"),
        )
        case.extra = {"suspect_id": row.get("suspect_id"), "issued_on": row.get("issued_on"),
                      "id_number": row.get("id_number"), "person_name": row.get("person_name")}
        _place(case, row.get("person_id"), agency, ref)
        cases.append(case)
    cases.sort(key=lambda c: (c.group, -(c.priority or 0.0), c.case_id))
    return cases


def _suspect_explanation(row: dict, evidence: dict) -> str:
    """An issued suspect's own words (部省下发疑点 carry the issuer's 疑点说明)."""
    issued = row.get("issued_on")
    when = f"{issued.year}年{issued.month}月{issued.day}日" if isinstance(issued, dt.date) else ""
    parts = [f"{evidence.get('issuer') or '部省'}于{when}下发“{evidence.get('suspect_type') or '其他'}”疑点"]
    if evidence.get("description"):
        parts.append(f"疑点说明：{evidence['description']}")
    return "，".join(parts) + "。"


def _place(case: Case, person_id: str | None, agency: str, ref: Reference) -> None:
    """The person to visit and the case's town / village (the person's; for a shared account, the
    first linked person of the agency; none for cases about users, batches or reconciliations)."""
    if person_id is None and case.rule_code == "R07":
        linked = [p.get("person_id") for p in case.evidence.get("linked_persons", []) if p.get("person_id") in ref.persons]
        own = [p for p in linked if ref.persons[p]["county_code"] == agency]
        person_id = (own or linked or [None])[0]
    if person_id is None and (case.case_type == "suspect" or case.rule_code == "R29"):
        from pension_risk.ids import normalize_id

        raw_id = case.extra.get("id_number") or case.evidence.get("id_number")
        person_id = ref.persons_by_nid.get(normalize_id(raw_id) or "")
        if person_id is None and case.evidence.get("name"):
            case.extra["person_name"] = case.extra.get("person_name") or case.evidence["name"]
            case.extra["id_number"] = raw_id
    person = ref.persons.get(person_id) if person_id else None
    if person is None:
        if case.extra.get("person_name"):  # a suspect not matched to a person record
            case.person = {"name": case.extra["person_name"], "id_number": case.extra.get("id_number")}
            case.group, case.town, case.village = (1, "", ""), NO_VILLAGE, ""
        else:
            case.group, case.town, case.village = (2, "", ""), OFFICE, ""
        return
    case.person = person
    town, village = person.get("town_code"), person.get("village_code")
    if not town and not village:
        case.group, case.town, case.village = (1, "", ""), NO_VILLAGE, ""
        return
    case.group = (0, town or "", village or "")
    case.town = ref.regions.get(town, town or "")
    case.village = ref.regions.get(village, village or "")


# ---------------------------------------------------------------- formatting values

def _fmt_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _label(ref: Reference, rule: str | None, key: str) -> tuple[str, str | None]:
    return evidence_view.label(ref.key_labels, rule, key)


def _value(ref: Reference, value: Any, label: str, code_set: str | None) -> str:
    return evidence_view.display(ref.code_names, value, label, code_set, NOTHING, ref.key_labels)


def yuan(value: Decimal | None) -> str:
    return NOTHING if value is None else f"{value:,.2f}元"


# ---------------------------------------------------------------- the PDF

class SheetPDF:
    """fpdf2 document with the embedded CJK font, A4 portrait, page numbers in the footer."""

    def __init__(self, title: str):
        from fpdf import FPDF

        regular, regular_index = find_cjk_font("Regular")
        bold, bold_index = find_cjk_font("Bold")
        footer_title = title

        class _PDF(FPDF):
            continued: str | None = None  # set while a case is being written: heads its next pages

            def header(self) -> None:
                if self.continued:
                    self.set_font("cjk", size=8.5)
                    self.cell(0, 6, f"（续）{self.continued}", new_x="LMARGIN", new_y="NEXT")
                    self.ln(1)

            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("cjk", size=8)
                self.cell(0, 6, f"{footer_title}　第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")

        pdf = _PDF(orientation="P", unit="mm", format="A4")
        pdf.add_font("cjk", "", regular, collection_font_number=regular_index)
        pdf.add_font("cjk", "B", bold, collection_font_number=bold_index)
        pdf.set_margins(16, 14, 16)
        pdf.set_auto_page_break(True, margin=16)
        pdf.set_title(title)
        pdf.set_creator("pension-risk")
        pdf.set_lang("zh-CN")
        self.pdf = pdf

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def heading(self, text: str, size: float = 16) -> None:
        self.pdf.set_font("cjk", "B", size)
        self.pdf.cell(0, 10, text, align="C", new_x="LMARGIN", new_y="NEXT")

    def line(self, text: str, size: float = 10, bold: bool = False, height: float = 6) -> None:
        self.pdf.set_font("cjk", "B" if bold else "", size)
        self.pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: float = 10.5, height: float = 6.5) -> None:
        """Text wrapped at character boundaries of Chinese, but never inside a number, date or code
        (945.40元 / 2020年1月20日 / P0000567 keep their digits on one line)."""
        pdf = self.pdf
        pdf.set_font("cjk", "", size)
        tokens = re.findall(r"[0-9A-Za-z][0-9A-Za-z,.:_\-]*|\s+|.", text)
        lines, line = [], ""
        for token in tokens:
            if line and pdf.get_string_width(line + token) > self.width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        if line:
            lines.append(line)
        for text_line in lines:
            pdf.cell(0, height, text_line, new_x="LMARGIN", new_y="NEXT")

    def section(self, text: str) -> None:
        self.pdf.ln(1.5)
        self.pdf.set_fill_color(230, 236, 245)
        self.pdf.set_font("cjk", "B", 10.5)
        self.pdf.cell(0, 7, text, fill=True, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def table(self, headings: list[str] | None, rows: list[list[str]], widths: list[float] | None = None,
              size: float = 8.5) -> None:
        self.pdf.set_font("cjk", "", size)
        with self.pdf.table(col_widths=widths, text_align="LEFT", line_height=size * 0.55,
                            first_row_as_headings=headings is not None, padding=0.8,
                            headings_style=_heading_style()) as table:
            if headings is not None:
                table.row(headings)
            for r in rows:
                table.row(r)
        self.pdf.ln(1.5)

    def blank_box(self, label: str, height: float) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", "B", 10)
        pdf.cell(0, 7, label, new_x="LMARGIN", new_y="NEXT")
        top = pdf.get_y()
        pdf.rect(pdf.l_margin, top, self.width, height)
        pdf.set_draw_color(200, 200, 200)
        y = top + 8
        while y < top + height - 2:
            pdf.line(pdf.l_margin + 2, y, pdf.l_margin + self.width - 2, y)
            y += 8
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(top + height + 2)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family="cjk", emphasis="BOLD", fill_color=(242, 242, 242))


def _cover(doc: SheetPDF, ref: Reference, agency: str, cases: list[Case], today: dt.date) -> None:
    pdf = doc.pdf
    pdf.add_page()
    doc.heading("社保基金管理风险排查 核查通知单", 18)
    doc.line(f"核查单位：{ref.agency_name}（{agency}）", 11)
    as_of = ref.as_of
    doc.line(f"数据截至日期：{as_of.year}年{as_of.month}月{as_of.day}日" if as_of else "数据截至日期：—", 11)
    doc.line(f"打印日期：{today.year}年{today.month}月{today.day}日　　待核查案件：{len(cases)}件", 11)
    doc.line("请按乡镇（街道）、行政村（社区）顺序入户核查，逐件填写核查情况并签字，核查结论录入系统后交复核。",
             10)
    if not cases:
        doc.section("本单位当前没有待核查的案件。")
        return
    doc.section("案件清单（按乡镇、村排序）")
    rows, number = [], 0
    for case in cases:
        number += 1
        who = case.person["name"] if case.person else NOTHING
        rows.append([str(number), case.town or NOTHING, case.village or NOTHING, who, case.rule_name, yuan(case.amount)])
    doc.table(["序号", "乡镇（街道）", "行政村（社区）", "姓名", "问题项", "涉及金额"], rows,
              widths=[9, 30, 30, 20, 58, 24])


def _case_page(doc: SheetPDF, ref: Reference, case: Case, number: int, total: int, agency: str) -> None:
    pdf = doc.pdf
    pdf.continued = None
    pdf.add_page()
    pdf.continued = f"编号：{number}/{total}　{case.person['name'] if case.person else case.subject_id}　{case.rule_name}"
    doc.heading("核查通知单")
    doc.line(f"编号：{number}/{total}　　核查单位：{ref.agency_name}　　"
             f"乡镇（街道）：{case.town or NOTHING}　　行政村（社区）：{case.village or NOTHING}", 9.5)
    doc.section("一、疑点信息")
    facts = [["问题项", f"{case.rule_name}" + (f"（{case.rule_code}）" if case.rule_code else ""),
              "排查类别", f"第{case.section}类" if case.section else "部省下发疑点"],
             ["案件编号", case.case_id, "涉及金额", yuan(case.amount)],
             ["疑点对象", case.subject_id or NOTHING, "当前状态", case.review_status or "未核查"]]
    doc.table(None, facts, widths=[22, 70, 22, 64], size=9)
    doc.section("二、核查对象")
    p = case.person
    if p:
        address = "".join(x for x in (ref.code_names.get(("agency", p.get("county_code") or ""), ""),
                                       ref.regions.get(p.get("town_code") or "", ""),
                                       ref.regions.get(p.get("village_code") or "", "")) if x)
        gender = ref.code_names.get(("gender", str(p.get("gender"))), NOTHING) if p.get("gender") else NOTHING
        doc.table(None, [
            ["姓名", p.get("name") or NOTHING, "身份证号", p.get("id_number") or NOTHING],
            ["性别", gender, "出生日期", _fmt_date(p["birth_date"]) if p.get("birth_date") else NOTHING],
            ["联系电话", p.get("phone") or NOTHING, "住址", address or NOTHING],
        ], widths=[22, 60, 22, 74], size=9)
    else:
        doc.line("本案不涉及具体参保人员，由经办机构内部核查（见下方记录）。", 9.5)
    doc.section("三、疑点说明")
    doc.paragraph(case.explanation)
    _evidence_tables(doc, ref, case)
    _visit_blanks(doc)
    pdf.continued = None


# the visit block besides the box: heading 9.5, box label 7 + 2, conclusion 8, recovery 8,
# two signature lines 9 + 9 (mm), and a margin
VISIT_FIXED_MM, VISIT_BOX_MIN_MM, VISIT_BOX_MAX_MM = 56, 28, 60


def _visit_blanks(doc: SheetPDF) -> None:
    """核查情况 / 核查结论 / 核查人签字 / 日期, kept together on one page."""
    pdf = doc.pdf
    room = pdf.h - pdf.b_margin - pdf.get_y() - VISIT_FIXED_MM
    if room < VISIT_BOX_MIN_MM:
        pdf.add_page()
        room = pdf.h - pdf.b_margin - pdf.get_y() - VISIT_FIXED_MM
    box = max(VISIT_BOX_MIN_MM, min(VISIT_BOX_MAX_MM, room))
    doc.section("四、核查情况（由核查人填写）")
    doc.blank_box("核查情况（走访经过、核实结果）：", box)
    doc.line("核查结论：□ 属实　　□ 不属实　　□ 核查中（需进一步核实）", 10.5, height=8)
    doc.line("追回金额：__________ 元　　整改措施：________________________________", 10.5, height=8)
    doc.line("核查人签字：__________________　　日期：______年____月____日", 10.5, height=9)
    doc.line("被核查人（或村、居委会）签字：__________________", 10.5, height=9)


def _evidence_tables(doc: SheetPDF, ref: Reference, case: Case) -> None:
    """The evidence as tables: each list of records as a table with Chinese headers, the facts as pairs."""
    ev = case.evidence
    if not ev:
        return
    doc.section("相关记录")
    skip = {"name", "id_number", "person_id"} if case.person else set()
    pairs = []
    for key, value in ev.items():
        if key in skip or isinstance(value, list) and value and isinstance(value[0], dict):
            continue
        label, code_set = _label(ref, case.rule_code, key)
        pairs.append((label, _value(ref, value, label, code_set)))
    if pairs:
        rows = []
        for i in range(0, len(pairs), 2):
            a = pairs[i]
            b = pairs[i + 1] if i + 1 < len(pairs) else ("", "")
            rows.append([a[0], a[1], b[0], b[1]])
        doc.table(None, rows, widths=[30, 59, 30, 59], size=8)
    for key, value in ev.items():
        if not (isinstance(value, list) and value and isinstance(value[0], dict)):
            continue
        label, _ = _label(ref, case.rule_code, key)
        columns = list(dict.fromkeys(k for item in value for k in item))
        headers = [_label(ref, case.rule_code, c) for c in columns]
        shown = value[:MAX_TABLE_ROWS]
        rows = [[_value(ref, item.get(c), h[0], h[1]) for c, h in zip(columns, headers, strict=True)] for item in shown]
        more = f"（共{len(value)}条，列出前{MAX_TABLE_ROWS}条）" if len(value) > MAX_TABLE_ROWS else ""
        doc.line(f"{label}{more}", 9, bold=True)
        doc.table([h[0] for h in headers], rows, size=7.5 if len(columns) > 6 else 8)


def sheets_file_name(agency: str, agency_name: str) -> str:
    return f"核查通知单_{agency}_{agency_name}.pdf"


def write_sheets(warehouse: Path, agency: str, out_dir: Path, store: Path | None = None,
                 today: dt.date | None = None) -> tuple[Path, int]:
    """Write the agency's sheets into out_dir; return (the PDF's path, the number of cases)."""
    warehouse, out_dir = Path(warehouse), Path(out_dir)
    ref = read_reference(warehouse, agency)
    cases = open_cases(warehouse, agency, store, ref)
    today = today or dt.date.today()
    title = f"{ref.agency_name}核查通知单"
    doc = SheetPDF(title)
    _cover(doc, ref, agency, cases, today)
    for number, case in enumerate(cases, start=1):
        _case_page(doc, ref, case, number, len(cases), agency)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PensionRiskError(f"cannot create the output directory {out_dir}: {exc.strerror}") from exc
    target = out_dir / sheets_file_name(agency, ref.agency_name)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        doc.pdf.output(str(tmp))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target, len(cases)
