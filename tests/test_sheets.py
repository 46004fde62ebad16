"""`pension-risk cases sheets`: one agency's field-verification sheets (核查通知单) as PDF.

The PDF is read back with poppler-utils (pdftotext, pdffonts, pdftoppm): every open case
of the agency has its page with the person, the case's own Chinese explanation and its
town and village, pages in town and village order; closed (reviewed) cases are left out;
the CJK font is embedded.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from pension_risk.cli import main
from tests.fixtures_reports import reports_warehouse  # noqa: F401
from tests.test_summary import rows as _rows

pytestmark = pytest.mark.slow
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdffonts")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sheets(reports_warehouse, tmp_path_factory):  # noqa: F811
    assert POPPLER, "poppler-utils (pdftotext, pdftoppm, pdffonts) is needed: scripts/setup.sh installs it"
    wh = reports_warehouse.warehouse
    ledger = _rows(wh, """
        select l.case_id, l.case_type, l.rule_code, l.subject_id, l.person_id, l.county_code, l.conclusion,
               l.review_status, l.detected, f.explanation, p.name, p.town_code, p.village_code,
               t.name as town_name, v.name as village_name
        from marts.case_ledger l
        left join marts.risk_flags f on l.flag_id = f.flag_id
        left join intermediate.int_persons_current p on l.person_id = p.person_id
        left join intermediate.int_regions_current t on p.town_code = t.code
        left join intermediate.int_regions_current v on p.village_code = v.code""")
    open_cases = [c for c in ledger if c["detected"] and (c["conclusion"] not in ("属实", "不属实")
                                                        or c["review_status"] == "已退回")]
    counts: dict[str, int] = {}
    for c in open_cases:
        if c["village_code"]:
            counts[c["county_code"]] = counts.get(c["county_code"], 0) + 1
    agency = max(sorted(counts), key=lambda a: counts[a])
    out = tmp_path_factory.mktemp("sheets")
    assert main(["cases", "sheets", "--warehouse", str(wh), "--agency", agency, "--out", str(out)]) == 0
    pdf = next(out.glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return {"warehouse": wh, "agency": agency, "pdf": pdf, "pages": text.split("\f"), "ledger": ledger,
            "open": [c for c in open_cases if c["county_code"] == agency], "out": out}


def _case_pages(pages: list[str]) -> list[dict]:
    """The first page of every case: its number, town and village as printed, and its text."""
    found = []
    for i, page in enumerate(pages):
        flat = _flat(page)
        m = re.search(r"编号：(\d+)/(\d+)核查单位：.+?乡镇（街道）：(.+?)行政村（社区）：(.+?)一、疑点信息", flat)
        if m:
            found.append({"number": int(m.group(1)), "total": int(m.group(2)), "town": m.group(3),
                          "village": m.group(4), "text": flat, "index": i})
    return found


def test_every_open_case_has_its_page_with_person_and_explanation(sheets):
    pages = _case_pages(sheets["pages"])
    expected = sheets["open"]
    assert expected and len(pages) == len(expected) == pages[0]["total"]
    assert [p["number"] for p in pages] == list(range(1, len(expected) + 1))
    cover = _flat(sheets["pages"][0])
    assert "核查通知单" in cover and f"待核查案件：{len(expected)}件" in cover
    for case in expected:
        if case["case_type"] == "flag":
            explanation = _flat(case["explanation"])
            hits = [p for p in pages if explanation in p["text"]]
            assert len(hits) == 1, (case["case_id"], case["explanation"])
        else:
            hits = [p for p in pages if case["case_id"] in p["text"]]
            assert len(hits) == 1, case["case_id"]
        page = hits[0]
        assert case["case_id"] in page["text"]
        if case["name"]:
            assert f"姓名{case['name']}" in page["text"], case["case_id"]
        if case["village_code"]:
            assert (page["town"], page["village"]) == (case["town_name"], case["village_name"]), case["case_id"]
            assert "一、疑点信息" in page["text"] and "三、疑点说明" in page["text"]


def test_pages_are_grouped_in_town_and_village_order(sheets):
    pages = _case_pages(sheets["pages"])
    names = {(c["town_name"], c["village_name"]): (c["town_code"], c["village_code"])
             for c in sheets["ledger"] if c["village_code"]}
    placed = [names[(p["town"], p["village"])] for p in pages if (p["town"], p["village"]) in names]
    assert len(placed) >= 2 and placed == sorted(placed)
    # cases without a village (users, batches, reconciliations) come after every village
    last_village = max(i for i, p in enumerate(pages) if (p["town"], p["village"]) in names)
    assert all((p["town"], p["village"]) in names for p in pages[: last_village + 1])
    # each village's cases are together: a village never reappears after another one
    seen, previous = set(), None
    for key in placed:
        if key != previous:
            assert key not in seen, key
            seen.add(key)
            previous = key


def test_reviewed_cases_are_not_printed_and_visit_blanks_are(sheets):
    text = _flat("".join(sheets["pages"]))
    closed = [c for c in sheets["ledger"] if c["county_code"] == sheets["agency"] and c["explanation"]
              and c["conclusion"] in ("属实", "不属实") and c["review_status"] == "已复核"]
    assert all(_flat(c["explanation"]) not in text for c in closed)
    for page in _case_pages(sheets["pages"]):
        rest = "".join(_flat(p) for p in sheets["pages"][page["index"]:page["index"] + 3])
        assert all(word in rest for word in ("核查情况", "核查结论", "核查人签字", "日期"))


def test_the_font_is_embedded_and_a_page_renders(sheets):
    fonts = subprocess.run(["pdffonts", str(sheets["pdf"])], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("NotoSansCJKSC" in r[0] and r[-5] == "yes" for r in rows), fonts  # emb = yes
    png = sheets["out"] / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "2", "-l", "2", str(sheets["pdf"]), str(png)], check=True)
    image = next(sheets["out"].glob("page*.png"))
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 10_000


def test_every_evidence_key_has_a_chinese_label(sheets):
    labels = {r["key"] for r in _rows(sheets["warehouse"], "select key from reference.evidence_keys")}
    keys: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            keys.update(value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for r in _rows(sheets["warehouse"], "select evidence from marts.risk_flags"):
        walk(json.loads(r["evidence"]))
    assert keys and not keys - labels, sorted(keys - labels)


def test_unknown_agency_is_a_clear_error(sheets, capsys):
    assert main(["cases", "sheets", "--warehouse", str(sheets["warehouse"]), "--agency", "999999",
                 "--out", str(sheets["out"])]) == 1
    assert "unknown agency '999999'" in capsys.readouterr().err
