"""`pension-risk` command line (INTERFACE.md).

Every command prints a clear one-line error and exits non-zero on failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from pension_risk.errors import PensionRiskError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Every option's help ends with its default, or says it is required."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if not action.option_strings or action.default is argparse.SUPPRESS or "default" in text:
            return text
        if action.required:
            return f"{text} (required)".strip()
        if action.default is None:
            return text
        return f"{text} (default: %(default)s)".strip()


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose help (and its sub-commands' help) lists every default."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="pension-risk", description="淮南市社会保险基金管理风险排查")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write realistic synthetic batches with planted anomalies")
    g.add_argument("--out", type=Path, required=True, help="landing directory to write (one folder per batch)")
    g.add_argument("--truth", type=Path, default=None,
                   help="directory of the planted answers (default: OUT_truth beside OUT)")
    g.add_argument("--persons", type=_positive, default=3000, help="number of persons, at least 300")
    g.add_argument("--seed", type=int, default=1, help="random seed (same arguments, same bytes)")
    g.add_argument("--as-of", type=_date, default=dt.date(2021, 6, 30), metavar="YYYY-MM-DD",
                   help="as_of of the last batch")
    g.add_argument("--batches", type=_positive, default=3, help="number of monthly batches (1-24)")

    r = sub.add_parser("run", help="ingest, validate, build and publish the warehouse")
    r.add_argument("--landing", type=Path, required=True, help="landing directory (one folder per batch)")
    r.add_argument("--warehouse", type=Path, required=True, help="the warehouse file to publish (DuckDB)")
    r.add_argument("--cases", type=Path, default=None, help="case store (default: beside the warehouse)")

    rp = sub.add_parser("report", help="write 附件1 and 附件2 as xlsx")
    rp.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (DuckDB file)")
    rp.add_argument("--out", type=Path, required=True, help="directory for the two xlsx files")

    c = sub.add_parser("cases", help="verification worklist (风险台账)")
    csub = c.add_subparsers(dest="cases_command", required=True)
    ce = csub.add_parser("export", help="write the worklist as xlsx")
    ce.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (DuckDB file)")
    ce.add_argument("--out", type=Path, required=True, help="the worklist xlsx to write")
    ce.add_argument("--agency", default=None, help="agency code, e.g. 340403 (default: every agency)")
    ce.add_argument("--cases", type=Path, default=None, help="case store (default: beside the warehouse)")
    cs = csub.add_parser("sheets", help="write the field-verification sheets (核查通知单) of one agency as PDF")
    cs.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (DuckDB file)")
    cs.add_argument("--agency", required=True, help="agency code, e.g. 340403")
    cs.add_argument("--out", type=Path, required=True, help="directory for the PDF")
    cs.add_argument("--cases", type=Path, default=None, help="case store (default: beside the warehouse)")
    ci = csub.add_parser("import", help="record the filled-in conclusions")
    ci.add_argument("xlsx", type=Path, help="the filled-in worklist xlsx")
    ci.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (DuckDB file)")
    ci.add_argument("--by", required=True, metavar="LOGIN",
                    help="the account that records (verifier) or reviews (reviewer); its password is read "
                         "from the first line of standard input, or asked on a terminal")
    ci.add_argument("--cases", type=Path, default=None, help="case store (default: beside the warehouse)")

    u = sub.add_parser("users", help="accounts of the case store (run by the data team on the server)")
    usub = u.add_subparsers(dest="users_command", required=True)
    ua = usub.add_parser("add", help="create an account; password from standard input or asked twice")
    ua.add_argument("login", help="the new account's login")
    ua.add_argument("--name", required=True, help="the person's real name")
    ua.add_argument("--role", required=True, choices=["leader", "verifier", "reviewer", "admin", "auditor"],
                    help="leader 领导, verifier 核查员 (needs --agency), reviewer 复核员, admin 系统管理员, auditor 审计员")
    ua.add_argument("--agency", default=None, help="agency scope (default: none = city level 全市)")
    ud = usub.add_parser("disable", help="disable an account (never deleted)")
    ud.add_argument("login", help="the account's login")
    ul = usub.add_parser("list", help="list accounts (never a password)")
    for sp in (ua, ud, ul):
        sp.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (DuckDB file)")
        sp.add_argument("--cases", type=Path, default=None, help="case store (default: beside the warehouse)")

    au = sub.add_parser("audit", help="print the audit log as CSV")
    au.add_argument("--warehouse", type=Path, required=True, help="the published warehouse (DuckDB file)")
    au.add_argument("--cases", type=Path, default=None, help="case store (default: beside the warehouse)")
    au.add_argument("--since", type=_date, default=None, help="only events on or after this day (default: all)")
    au.add_argument("--login", default=None, help="only events of this login (default: all)")
    au.add_argument("--action", default=None, help="only this action, e.g. login_failed, record, review (default: all)")

    d = sub.add_parser("demo", help="generate, run and report a demo data set")
    d.add_argument("--persons", type=_positive, default=20000, help="number of persons to generate")
    d.add_argument("--dir", type=Path, default=Path("demo"), help="directory for the landing, warehouse and reports")
    return p


def _generate(args: argparse.Namespace) -> int:
    from pension_risk.generate import generate

    generate(out=args.out, truth=args.truth, persons=args.persons, seed=args.seed,
             as_of=args.as_of, batches=args.batches)
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from pension_risk.pipeline import run_pipeline

    result = run_pipeline(landing=args.landing, warehouse=args.warehouse, cases=args.cases)
    return EXIT_PARTIAL if result.rejected else EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from pension_risk.report import write_reports

    for path in write_reports(warehouse=args.warehouse, out_dir=args.out):
        print(f"wrote {path}")
    return EXIT_OK


def _cases(args: argparse.Namespace) -> int:
    from pension_risk.cases import cli as cases_cli

    if args.cases_command == "sheets":
        from pension_risk.cases.sheets import write_sheets

        path, count = write_sheets(warehouse=args.warehouse, agency=args.agency, out_dir=args.out, store=args.cases)
        print(f"wrote {path} ({count} cases)")
        return EXIT_OK
    if args.cases_command == "export":
        return cases_cli.export_command(warehouse=args.warehouse, out=args.out, agency=args.agency,
                                        store=args.cases)
    return cases_cli.import_command(xlsx=args.xlsx, warehouse=args.warehouse, by=args.by, store=args.cases)


def _users(args: argparse.Namespace) -> int:
    from pension_risk.access import accounts, audit
    from pension_risk.cases.cli import read_password
    from pension_risk.cases.store import resolve_store_path

    store = resolve_store_path(args.warehouse, args.cases)
    if not Path(store).absolute().parent.is_dir():
        raise PensionRiskError(f"case store directory not found: {Path(store).absolute().parent} (create it first)")
    if args.users_command != "add" and not Path(store).exists():
        raise PensionRiskError(f"case store not found: {store} (`users add` creates it)")
    source = audit.os_source(f"users {args.users_command}")
    by = audit.os_user()
    if args.users_command == "add":
        password = read_password(f"password for {args.login}: ", confirm=True)
        made = accounts.add_account(store, args.login, args.name, args.role, args.agency, password,
                                    by=by, source=source)
        print(f"added {made.login} ({made.role.label}, {made.scope_label}) to {store}", file=sys.stderr)
    elif args.users_command == "disable":
        changed = accounts.disable_account(store, args.login, by=by, source=source)
        print(f"{args.login}: {'disabled' if changed else 'was already disabled'}", file=sys.stderr)
    else:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["login", "name", "role", "agency", "status"])
        for a in accounts.list_accounts(store):
            writer.writerow([a["login"], a["name"], a["role"], a["agency_code"] or "", a["status"]])
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    from pension_risk.access import audit
    from pension_risk.cases.store import resolve_store_path

    store = resolve_store_path(args.warehouse, args.cases)
    if not store.exists():
        raise PensionRiskError(f"case store not found: {store}")
    if args.action and args.action not in audit.ACTIONS:
        raise PensionRiskError(f"unknown action {args.action!r} (one of {', '.join(audit.ACTIONS)})")
    rows = audit.search(store, since=args.since, login=args.login, action=args.action)
    sys.stdout.write(audit.to_csv(rows))
    audit.log(store, "audit_read", target="audit_log",
              detail=f"since={args.since or ''}; login={args.login or ''}; action={args.action or ''}; {len(rows)} rows",
              source=audit.os_source("audit"))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from pension_risk.demo import run_demo

    return run_demo(persons=args.persons, directory=args.dir)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    args = build_parser().parse_args(argv)
    handlers = {"generate": _generate, "run": _run, "report": _report, "cases": _cases, "demo": _demo,
                "users": _users, "audit": _audit}
    try:
        return handlers[args.command](args)
    except PensionRiskError as exc:
        print(f"pension-risk {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"pension-risk {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: one line, the traceback on request
        if os.environ.get("PENSION_RISK_DEBUG"):
            raise
        print(f"pension-risk {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(set PENSION_RISK_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
