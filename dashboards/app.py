"""淮南市社保基金管理风险排查 — dashboard entrypoint (`streamlit run dashboards/app.py`).

Every page needs a login (dashboards/auth.py). The pages an account sees are its
role's (pension_risk.access.roles.pages_for); every page first calls
``data.require_page`` and reads only through dashboards/data.py, which scopes and
masks by role. Page files live in dashboards/views/ — not pages/: a pages/ folder beside this
file would start every new session in Streamlit's legacy pages-directory mode, whose first rerun
drops the first login click. A page URL opened directly (e.g. /county) is kept across the login
and opened once the account may see it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboards import auth, data  # noqa: E402
from pension_risk.access.roles import pages_for  # noqa: E402

VIEWS = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="社保基金管理风险排查", page_icon=":material/shield:", layout="wide")

#: page stem -> (sidebar section, title, icon). The order is the sidebar's.
PAGES: dict[str, tuple[str, str, str]] = {
    "overview": ("统计报表", "全市概览", ":material/location_city:"),
    "county": ("统计报表", "县区详情", ":material/holiday_village:"),
    "rules": ("疑点分析", "疑点明细", ":material/flag:"),
    "outcomes": ("疑点分析", "核查成效", ":material/fact_check:"),
    "clusters": ("疑点分析", "共用账户团伙", ":material/hub:"),
    "cases_worklist": ("核查整改", "风险台账", ":material/list_alt:"),
    "cases_case": ("核查整改", "案件核查", ":material/search:"),
    "cases_checklist": ("核查整改", "自查清单", ":material/checklist:"),
    "quality": ("数据运维", "数据质量", ":material/rule:"),
    "freshness": ("数据运维", "数据时效", ":material/schedule:"),
    "accounts": ("系统管理", "账号管理", ":material/manage_accounts:"),
    "audit": ("系统管理", "审计日志", ":material/policy:"),
}


def _page(stem: str, default: bool = False) -> st.Page:
    _section, title, icon = PAGES[stem]
    return st.Page(str(VIEWS / f"{stem}.py"), title=title, icon=icon, default=default, url_path=stem)


def _all_pages() -> list[st.Page]:
    return [_page(stem, default=(i == 0)) for i, stem in enumerate(s for s in PAGES if (VIEWS / f"{s}.py").exists())]


try:
    principal, authenticator = auth.gate()
except data.WarehouseUnavailable as exc:  # pragma: no cover - the store sits beside the warehouse
    st.error(str(exc))
    st.stop()

#: the page a URL asked for before the login (opened after it, when the role may see it)
REQUESTED_KEY = "pension_risk_requested_page"
#: switch_page attempts made for it after the login; a few at most, so a person is never held on it
LANDING_KEY = "pension_risk_requested_page_tries"
LANDING_TRIES = 3


def _page_of_browser_url() -> str | None:
    """The page stem of the URL in the browser (e.g. /county), which a new session's first run does not
    resolve yet. Streamlit's public st.context.url leaves the page path out, so this reads the field the
    browser sent; None when unavailable (then the login opens the role's first page)."""
    try:
        from streamlit.runtime.context import _context_info_field

        url = _context_info_field("url") or ""
    except Exception:  # a Streamlit without this field
        return None
    stem = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return stem if stem in PAGES else None

if principal is None:
    # not logged in: every URL resolves (no "page not found"), but no page runs
    resolved = st.navigation(_all_pages(), position="hidden").url_path
    # the address the browser shows first: a run the login widget triggers itself (its cookie
    # component) may resolve the default page before the URL's page is known, and the browser then
    # shows "/" (the default page) in every later run; so a page once asked for is kept, never
    # replaced by the default page ("")
    asked = _page_of_browser_url() or resolved
    if asked or REQUESTED_KEY not in st.session_state:
        st.session_state[REQUESTED_KEY] = asked
    st.stop()

allowed = [s for s in PAGES if s in pages_for(principal) and (VIEWS / f"{s}.py").exists()]
sections: dict[str, list[st.Page]] = {}
for i, stem in enumerate(allowed):
    sections.setdefault(PAGES[stem][0], []).append(_page(stem, default=(i == 0)))
navigation = st.navigation(sections)
requested = st.session_state.get(REQUESTED_KEY)
if requested is not None and LANDING_KEY not in st.session_state:
    # the first run after the login: the URL may still show the page asked for
    requested = st.session_state[REQUESTED_KEY] = _page_of_browser_url() or requested
target = next((p for pages in sections.values() for p in pages if p.url_path == requested), None) if requested else None
tries = st.session_state.get(LANDING_KEY, 0)
if target is None or navigation.url_path not in ("", requested) or tries >= LANDING_TRIES:
    # landed on the page asked for (or on another the person chose: the first page is ""), or the role
    # may not see it: the request is done
    st.session_state.pop(REQUESTED_KEY, None)
    st.session_state.pop(LANDING_KEY, None)
else:
    # kept until a run lands on it: a rerun the browser sends meanwhile (the login cookie's component)
    # replaces a pending switch_page and would open the first page instead
    st.session_state[LANDING_KEY] = tries + 1
    st.switch_page(target)

with st.sidebar:
    st.markdown("**淮南市社保基金管理风险排查**")
    st.caption(f"{principal.name}（{principal.login}）· {principal.role.label} · {principal.scope_label}")
    if not principal.role.sees_personal_data and (principal.role.sees_reports or principal.role.sees_cases):
        st.caption("个人信息已脱敏显示")
    if principal.role.sees_reports or principal.role.sees_cases:
        try:
            info = data.freshness()
            st.caption(f"数据截至 {info['as_of']}（批次 {info['newest_batch']}）")
        except data.WarehouseUnavailable:
            pass
    auth.logout_button(authenticator)

try:
    navigation.run()
except data.WarehouseUnavailable as exc:
    st.error(str(exc))
except data.NotAllowed as exc:
    st.error(str(exc))
