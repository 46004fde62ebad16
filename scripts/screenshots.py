"""Screenshots of the dashboard and of the two official xlsx tables.

    python scripts/screenshots.py --warehouse W.duckdb --out DIR

Dashboard: starts `streamlit run dashboards/app.py` on a free port and renders the
overview, a county page and a rule page in headless Chromium (Debian's chromium).
Tables: writes 附件1 / 附件2 with `pension-risk report`, converts them with
LibreOffice (headless) to PDF and with pdftoppm to PNG (first page of each; all
pages with --all-pages). Needs: apt-get install chromium libreoffice-calc
poppler-utils fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_dashboard_browser import browser_page, streamlit_server  # noqa: E402


def dashboard_shots(warehouse: Path, out: Path, county: str, rule: str) -> list[Path]:
    shots = []
    with streamlit_server(warehouse) as url, browser_page() as page:
        def shoot(path: str, name: str, wait_text: str, prepare=None) -> None:
            page.goto(f"{url}/{path}")
            page.wait_for_selector(f"text={wait_text}", timeout=60_000)
            if prepare:
                prepare()
            page.wait_for_timeout(3000)  # charts and graphviz render after the data arrives
            target = out / name
            page.screenshot(path=str(target), full_page=True)
            shots.append(target)

        def choose(label: str, option: str) -> None:
            box = page.locator('[data-testid="stSelectbox"]', has_text=label).first
            box.click()
            page.locator('[role="option"]', has_text=option).first.click()
            page.wait_for_timeout(1500)

        shoot("overview", "dashboard_overview.png", "全市概览")
        shoot("county", "dashboard_county.png", "县区详情", lambda: choose("填报单位", county))
        shoot("rules", "dashboard_rule.png", "疑点明细", lambda: choose("问题项", rule))
        shoot("clusters", "dashboard_clusters.png", "共用账户团伙")
    return shots


def xlsx_shots(warehouse: Path, out: Path, all_pages: bool) -> list[Path]:
    from pension_risk.report import write_reports

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        raise SystemExit("needs LibreOffice (soffice) and pdftoppm: apt-get install libreoffice-calc poppler-utils")
    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        xlsx = write_reports(warehouse, tmpdir / "xlsx")
        profile = tmpdir / "lo-profile"
        for path, stem in zip(xlsx, ["report_basic", "report_problems"], strict=True):
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(tmpdir / "pdf"), str(path)],
                           check=True, capture_output=True, timeout=180)
            pdf = tmpdir / "pdf" / (path.stem + ".pdf")
            args = ["pdftoppm", "-png", "-r", "110"] + ([] if all_pages else ["-f", "1", "-l", "1"])
            subprocess.run(args + [str(pdf), str(tmpdir / stem)], check=True, timeout=180)
            for png in sorted(tmpdir.glob(f"{stem}-*.png")):
                target = out / (png.name if all_pages else f"{stem}.png")
                shutil.move(png, target)
                shots.append(target)
    return shots


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--county", default="潘集区", help="agency name for the county page")
    p.add_argument("--rule", default="R01", help="rule code for the rule page")
    p.add_argument("--all-pages", action="store_true", help="every page of the xlsx printouts")
    p.add_argument("--skip-dashboard", action="store_true")
    p.add_argument("--skip-xlsx", action="store_true")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    shots = []
    if not args.skip_dashboard:
        shots += dashboard_shots(args.warehouse.resolve(), args.out, args.county, args.rule)
    if not args.skip_xlsx:
        shots += xlsx_shots(args.warehouse.resolve(), args.out, args.all_pages)
    for shot in shots:
        print(f"wrote {shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
