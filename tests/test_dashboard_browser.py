"""Real browser (headless Chromium from Debian): the displayed totals are the mart's."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest

from tests.access_helpers import password
from tests.fixtures_reports import reports_warehouse  # noqa: F401
from tests.test_access_dashboard import personal_values
from tests.test_summary import rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(warehouse: Path):
    """`streamlit run dashboards/app.py` on a free localhost port; yields the base URL."""
    port = free_port()
    env = {**os.environ, "PENSION_RISK_WAREHOUSE": str(warehouse), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            yield page
        finally:
            browser.close()


def metric_values(page, expected: tuple[str, ...] = ()) -> dict[str, str]:
    """Label -> displayed value of every st.metric, once all the expected labels have rendered."""
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    deadline = time.monotonic() + 60
    while True:
        values = {}
        for metric in page.locator('[data-testid="stMetric"]').all():
            label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
            values[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
        if all(e in values for e in expected) or time.monotonic() > deadline:
            return values
        page.wait_for_timeout(500)


def settle(page, timeout: float = 60_000) -> None:
    """Wait until the app is idle (no script run: Streamlit's status widget is gone), as a person who
    reads the page before typing would; a submit during the login widget's own first reruns may be lost."""
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)
    page.wait_for_timeout(1000)


def log_in(page, url: str, login: str) -> None:
    """Open the dashboard and log in through its login form."""
    page.goto(url)
    page.get_by_label("账号").wait_for(timeout=60_000)
    settle(page)
    page.get_by_label("账号").fill(login, timeout=60_000)
    page.get_by_label("密码").fill(password(login))
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("text=退出登录", timeout=60_000)


def go(page, title: str) -> None:
    """Open a page through the sidebar (the session and its login stay)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=60_000)


def number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text))


@pytest.mark.skipif(not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists(), reason="chromium not installed")
def test_overview_and_county_totals_in_the_browser(reports_warehouse):  # noqa: F811
    wh = reports_warehouse.warehouse
    basic = {r["agency_code"]: r for r in rows(wh, "select * from marts.summary_basic")}
    with streamlit_server(wh) as url, browser_page() as page:
        log_in(page, url, "leader")
        page.wait_for_selector("h1:has-text('全市概览')", timeout=60_000)
        metrics = metric_values(page, ("待遇领取人数", "系统筛查疑点数", "涉及金额(万元)", "已核查数", "追回金额(万元)"))
        total = basic["TOTAL"]
        assert number(metrics["待遇领取人数"]) == total["recipients_total"]
        assert number(metrics["系统筛查疑点数"]) == total["system_flags"]
        assert number(metrics["涉及金额(万元)"]) == total["flag_amount"]
        assert number(metrics["已核查数"]) == total["verified_count"]
        assert number(metrics["追回金额(万元)"]) == total["recovered_amount"]
        # the 附件1 table (an HTML table): the 全市合计 row
        page.wait_for_selector('[data-testid="stTable"] table', timeout=60_000)
        total_row = page.locator('[data-testid="stTable"] tr', has_text="全市合计").first
        cells = [c.strip() for c in total_row.locator("td").all_inner_texts()]
        assert number(cells[7]) == total["system_flags"]  # 系统筛查·系统筛查疑点数
        assert number(cells[9]) == total["flag_amount"]

        go(page, "县区详情")
        metrics = metric_values(page, ("系统筛查疑点数", "涉及金额(万元)", "待遇领取人数"))
        first = basic["340400"]  # the page opens on 淮南市本级
        assert number(metrics["系统筛查疑点数"]) == first["system_flags"]
        assert number(metrics["涉及金额(万元)"]) == first["flag_amount"]
        assert number(metrics["待遇领取人数"]) == first["recipients_total"]


@pytest.mark.skipif(not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists(), reason="chromium not installed")
def test_leader_browser_receives_no_unmasked_personal_data(reports_warehouse):  # noqa: F811
    """Every websocket frame the browser receives, and every page's source, for a leader."""
    wh = reports_warehouse.warehouse
    values = personal_values(wh)
    with streamlit_server(wh) as url, browser_page() as page:
        frames: list[bytes] = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes)
                                                          else payload.encode("utf-8"))))
        # without a login: the login form, no data
        page.goto(f"{url}/rules")
        page.get_by_label("账号").wait_for(timeout=60_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        log_in(page, url, "leader")
        sources = []
        for title in ("全市概览", "疑点明细", "共用账户团伙", "数据质量", "县区详情"):
            go(page, title)
            page.wait_for_timeout(1500)
            sources.append(page.content())
        blob = b"".join(frames) + "".join(sources).encode("utf-8")
        assert len(frames) > 10
        assert sorted(v for v in values if v.encode("utf-8") in blob) == []
        assert b"********" in blob  # masked values arrived instead


#: Visible text only: no icon ligatures (material icons are words in the DOM), scripts or hidden nodes,
#: and not Streamlit's keyboard-only "Skip to main content" link.
VISIBLE_TEXT_JS = """() => { const out = []; const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) { const n = w.currentNode; const el = n.parentElement;
    if (!el || el.closest('[data-testid="stIconMaterial"], [data-testid="stSkipToContent"], script, style')) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    out.push(n.textContent); }
  return out.join(' '); }"""
#: English a county user may see: file formats, the prefix of issued-suspect case numbers.
ALLOWED_LATIN = {"PDF", "XLSX", "xlsx", "SUS"}


@pytest.mark.skipif(not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists(), reason="chromium not installed")
def test_verifier_opens_a_link_logs_in_with_one_click_and_reads_no_english(reports_warehouse):  # noqa: F811
    """A page URL opened before the login is the page after it; the first click on 登录 logs in
    (no pages/ folder: no legacy-mode rerun that drops it); the case pages show no English words."""
    login = "verifier_340403"
    with streamlit_server(reports_warehouse.warehouse) as url, browser_page() as page:
        page.goto(f"{url}/cases_checklist")
        page.get_by_label("账号").wait_for(timeout=60_000)
        settle(page)
        page.get_by_label("账号").fill(login)
        page.get_by_label("密码").fill(password(login))
        page.get_by_role("button", name="登录").click()          # once
        page.wait_for_selector("text=退出登录", timeout=60_000)    # logged in by the first click
        try:
            page.wait_for_selector("h1:has-text('自查清单')", timeout=60_000)
        except Exception as exc:  # say which page opened instead
            raise AssertionError(f"after the login: {page.url}\n{page.evaluate(VISIBLE_TEXT_JS)[:600]}") from exc
        assert page.url.endswith("/cases_checklist")
        for title in ("风险台账", "案件核查", "自查清单"):
            go(page, title)
            settle(page)
            if title == "风险台账":
                page.get_by_text("下载台账 / 上传填好的台账").click()
                page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30_000)
            text = page.evaluate(VISIBLE_TEXT_JS).replace(login, "")
            words = set(re.findall(r"\b[A-Za-z][A-Za-z_]{2,}\b", text))
            assert words <= ALLOWED_LATIN, (title, sorted(words - ALLOWED_LATIN))
