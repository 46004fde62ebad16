"""`pension-risk demo`: the embedded default — generate, run, report, and say how to look."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from pension_risk.published import LANDING_ENV, WAREHOUSE_ENV

ACCOUNTS_FILE = "demo_accounts.txt"
#: The demo's accounts: one per role; the verifier and a reviewer for 田家庵区 (340403), city-level ones too.
DEMO_ACCOUNTS: dict[str, tuple[str, str, str | None]] = {
    "leader": ("演示领导", "leader", None),
    "leader_340403": ("演示田家庵区领导", "leader", "340403"),
    "verifier_340403": ("演示田家庵区核查员", "verifier", "340403"),
    "reviewer_340403": ("演示田家庵区复核员", "reviewer", "340403"),
    "reviewer": ("演示市级复核员", "reviewer", None),
    "admin": ("演示系统管理员", "admin", None),
    "auditor": ("演示审计员", "auditor", None),
}
ROLE_LABELS = {"leader": "领导", "verifier": "核查员", "reviewer": "复核员", "admin": "系统管理员", "auditor": "审计员"}


def demo_accounts(warehouse: Path, directory: Path) -> dict[str, tuple[str, str, str | None, str]]:
    """Create (or give new passwords to) the demo's accounts; write them to a file only the user reads."""
    import os
    import secrets

    from pension_risk.access import accounts, audit
    from pension_risk.cases.store import resolve_store_path

    store = resolve_store_path(warehouse, None)
    source = audit.os_source("demo")
    existing = {a["login"]: a for a in accounts.list_accounts(store)}
    made: dict[str, tuple[str, str, str | None, str]] = {}
    for login, (name, role, agency) in DEMO_ACCOUNTS.items():
        password = f"demo-{secrets.token_urlsafe(9)}"
        if login in existing and existing[login]["status"] == "active":
            accounts.set_password(store, login, password, by="demo", source=source)
        elif login not in existing:
            accounts.add_account(store, login, name, role, agency, password, by="demo", source=source)
        else:
            continue  # disabled by someone: stays disabled
        made[login] = (name, role, agency, password)
    path = directory / ACCOUNTS_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("login\tpassword\trole\tagency\tname\n")
        for login, (name, role, agency, password) in made.items():
            fh.write(f"{login}\t{password}\t{role}\t{agency or ''}\t{name}\n")
    os.chmod(path, 0o600)
    return made


def run_demo(persons: int = 20000, directory: Path = Path("demo")) -> int:
    from pension_risk.generate import generate
    from pension_risk.pipeline import run_pipeline
    from pension_risk.report import write_reports

    directory = directory.resolve()
    landing, truth = directory / "landing", directory / "landing_truth"
    warehouse, reports = directory / "warehouse.duckdb", directory / "reports"
    started = time.monotonic()
    print(f"== 1/3 generating {persons} persons into {landing}", file=sys.stderr, flush=True)
    generate(out=landing, truth=truth, persons=persons, seed=1, as_of=dt.date(2021, 6, 30), batches=3)
    print(f"== 2/3 running the nightly job -> {warehouse}", file=sys.stderr, flush=True)
    result = run_pipeline(landing=landing, warehouse=warehouse)
    print(f"== 3/3 writing the official tables -> {reports}", file=sys.stderr, flush=True)
    written = write_reports(warehouse=warehouse, out_dir=reports)
    logins = demo_accounts(warehouse, directory)
    print(f"\ndone in {time.monotonic() - started:.0f}s. as_of {result.as_of}, "
          f"{sum(result.flags.values())} flags; reports: {', '.join(p.name for p in written)}")
    import orchestration

    dagster_home = Path(orchestration.__file__).parent / "dagster_home"
    print("\nDashboard accounts (one per role; also in " f"{directory / ACCOUNTS_FILE}, readable by you only):")
    for login, (name, role, agency, password) in logins.items():
        print(f"  {login:<16} {password:<20} {ROLE_LABELS[role]}（{agency or '全市'}）{name}")
    print(
        "\nNext:\n"
        f"  dashboard : {WAREHOUSE_ENV}={warehouse} .venv/bin/streamlit run dashboards/app.py"
        "   (log in with an account above)\n"
        f"  Dagster UI: DAGSTER_HOME={dagster_home} {LANDING_ENV}={landing} "
        f"{WAREHOUSE_ENV}={warehouse} "
        ".venv/bin/dagster dev -m orchestration.definitions\n"
        f"  SQL       : .venv/bin/python -c \"import duckdb; print(duckdb.connect('{warehouse}', read_only=True)"
        ".sql('select rule_code, count(*) from marts.risk_flags group by 1 order by 1'))\"\n"
        f"  planted answers of the generator: {truth}/truth_flags.csv"
    )
    return 0
