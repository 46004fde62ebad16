"""淮南市社保基金管理风险排查 — dashboard entrypoint (`streamlit run dashboards/app.py`).

Pages are registered here by file; the case pages (dashboards/pages/cases_*.py,
核查整改) are added when present. Data access lives in dashboards/data.py only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import data  # noqa: E402

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="社保基金管理风险排查", page_icon=":material/shield:", layout="wide")


def _page(name: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(str(PAGES / name), title=title, icon=icon, default=default, url_path=Path(name).stem)


# Titles of the case pages (owned by the case-verification pages); unknown files get their stem.
CASE_PAGE_TITLES = {
    "cases_worklist": ("风险台账", ":material/list_alt:"),
    "cases_case": ("案件核查", ":material/search:"),
    "cases_checklist": ("自查清单", ":material/checklist:"),
}


def case_pages() -> list[st.Page]:
    pages = []
    for path in sorted(PAGES.glob("cases_*.py")):
        title, icon = CASE_PAGE_TITLES.get(path.stem, (path.stem, ":material/description:"))
        pages.append(_page(path.name, title, icon))
    return pages


sections = {
    "统计报表": [
        _page("overview.py", "全市概览", ":material/location_city:", default=True),
        _page("county.py", "县区详情", ":material/holiday_village:"),
    ],
    "疑点分析": [
        _page("rules.py", "疑点明细", ":material/flag:"),
        _page("clusters.py", "共用账户团伙", ":material/hub:"),
    ],
}
if cases := case_pages():
    sections["核查整改"] = cases
sections["数据运维"] = [
    _page("quality.py", "数据质量", ":material/rule:"),
    _page("freshness.py", "数据时效", ":material/schedule:"),
]

navigation = st.navigation(sections)

with st.sidebar:
    st.markdown("**淮南市社保基金管理风险排查**")
    st.toggle(
        "显示完整个人信息",
        key=data.UNMASK_KEY,
        value=False,
        help="默认对身份证号、姓名、银行账号、电话脱敏显示；仅核查人员在需要时打开。",
    )
    try:
        info = data.freshness()
        st.caption(f"数据截至 {info['as_of']}（批次 {info['newest_batch']}）")
    except data.WarehouseUnavailable:
        pass

try:
    navigation.run()
except data.WarehouseUnavailable as exc:
    st.error(str(exc))
