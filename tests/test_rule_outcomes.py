"""核查成效 and the worklist's priority, on a generated landing (600 persons, 2 batches).

Conclusions are recorded and reviewed through the case service as real accounts
(verifiers of each agency, a city-level reviewer): 8 属实 and 2 不属实 of R15
(reviewed), one more R15 属实 still 待复核 and one returned (已退回) — neither may
count — and 1 属实 of R24 (reviewed). After one run, marts.rule_outcomes must hold
exactly those figures per agency and city-wide, and marts.case_ledger.priority
(and so the worklist export and the dashboard) must order the cases exactly as the
formula of INTERFACE.md says, computed here independently from the truth files and
the configuration in dbt_project.yml.

The dashboard's case and rule pages are checked on the same warehouse: the Chinese
explanation is shown, and no English key of the evidence JSON appears on the page.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from pension_risk.access import accounts, masking
from pension_risk.access.roles import Principal
from pension_risk.cases import cli as cases_cli
from pension_risk.cases import queries, service
from pension_risk.cases.store import default_store_path
from tests.access_helpers import ACCOUNTS, add_accounts, logged_in, open_page, password
from tests.test_summary import rows as _rows

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2021, 6, 30)
AGENCIES = ["340400", "340402", "340403", "340404", "340405", "340406", "340421", "340422"]
RULE_A, RULE_B = "R15", "R24"   # R15 has an amount (reconciliation difference), R24 has none (a weight)
RECOVERED = [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]  # on the first three 属实 of R15
AT = dt.datetime(2021, 7, 5, 10, 0)


def flag_id(rule_code: str, subject_id: str) -> str:
    return hashlib.md5(f"{rule_code}|{subject_id}".encode()).hexdigest()


def _verifier(store: Path, agency: str) -> Principal:
    login = f"verifier_{agency}"
    if login not in ACCOUNTS and accounts.principal(store, login) is None:
        accounts.add_account(store, login, f"核查{agency}", "verifier", agency, f"verifier-pw-{agency}",
                             by="test-setup", source="test")
    pw = password(login) if login in ACCOUNTS else f"verifier-pw-{agency}"
    return accounts.authenticate(store, login, pw, source="test")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Generate, record and review through the service as accounts, then run once."""
    from pension_risk.generate import generate
    from pension_risk.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("outcomes")
    landing, truth, warehouse = root / "landing", root / "landing_truth", root / "w.duckdb"
    generate(out=landing, truth=truth, persons=600, seed=7, as_of=AS_OF, batches=2)
    with (truth / "truth_flags.csv").open(encoding="utf-8") as fh:
        flags = list(csv.DictReader(fh))
    store = default_store_path(warehouse)
    add_accounts(store)
    reviewer = accounts.authenticate(store, "reviewer", password("reviewer"), source="test")
    identities = {flag_id(f["rule_code"], f["subject_id"]): {
        "case_type": "flag", "rule_code": f["rule_code"], "subject_id": f["subject_id"],
        "person_id": f["person_id"] or None, "county_code": f["county_code"]} for f in flags}

    def of_rule(rule: str) -> list[dict]:
        return sorted((f for f in flags if f["rule_code"] == rule and f["county_code"] in AGENCIES),
                      key=lambda f: f["subject_id"])

    a_flags, b_flags = of_rule(RULE_A), of_rule(RULE_B)
    assert len(a_flags) >= 12 and b_flags, (len(a_flags), len(b_flags))
    plan: list[tuple[dict, str, str | None, Decimal | None]] = []  # flag, conclusion, review, recovered
    for i, f in enumerate(a_flags[:10]):
        conclusion = "属实" if i < 8 else "不属实"
        plan.append((f, conclusion, "通过", RECOVERED[i] if i < len(RECOVERED) else None))
    plan.append((a_flags[10], "属实", None, Decimal("999.00")))     # 待复核: not counted
    plan.append((a_flags[11], "属实", "退回", Decimal("888.00")))   # 已退回: not counted
    plan.append((b_flags[0], "属实", "通过", None))
    for f, conclusion, review, recovered in plan:
        case_id = flag_id(f["rule_code"], f["subject_id"])
        fields = {"conclusion": conclusion, "problem_note": "核查记录"}
        if recovered is not None:
            fields["recovered_amount"] = str(recovered)
        result = service.record_case(_verifier(store, f["county_code"]), case_id, fields, warehouse=warehouse,
                                     store=store, at=AT, source="test", identities=identities)
        assert result.changed
        if review:
            service.review_case(reviewer, case_id, review, None if review == "通过" else "请补充证据",
                                warehouse=warehouse, store=store, at=AT + dt.timedelta(hours=2), source="test",
                                identities=identities)
    result = run_pipeline(landing, warehouse, quiet=True)
    assert not result.rejected
    return {"warehouse": warehouse, "flags": flags, "plan": plan, "store": store}


# ---------------------------------------------------------------- marts.rule_outcomes

def _expected_outcomes(built) -> dict[tuple[str, str], tuple]:
    """(rule, agency) -> (flags, reviewed, confirmed, not_confirmed, recovered) from the plan."""
    out = {}
    rules = [f"R{i:02d}" for i in range(1, 30)]
    for rule in rules:
        for agency in AGENCIES:
            n = sum(1 for f in built["flags"] if f["rule_code"] == rule and f["county_code"] == agency)
            reviewed = [(c, r) for f, c, review, r in built["plan"]
                        if review == "通过" and f["rule_code"] == rule and f["county_code"] == agency]
            out[(rule, agency)] = (n, len(reviewed), sum(c == "属实" for c, _ in reviewed),
                                   sum(c == "不属实" for c, _ in reviewed),
                                   sum((r for _, r in reviewed if r is not None), Decimal("0.00")))
        out[(rule, "TOTAL")] = tuple(sum(out[(rule, a)][i] for a in AGENCIES) for i in range(4)) + (
            sum((out[(rule, a)][4] for a in AGENCIES), Decimal("0.00")),)
    return out


def test_rule_outcomes_count_reviewed_conclusions_only(built):
    rows = _rows(built["warehouse"], "select * from marts.rule_outcomes")
    assert len(rows) == 29 * 9  # every rule x (8 agencies + TOTAL), zero rows included
    got = {(r["rule_code"], r["agency_code"]): r for r in rows}
    expected = _expected_outcomes(built)
    assert set(got) == set(expected)
    for key, (flags, reviewed, confirmed, not_confirmed, recovered) in expected.items():
        r = got[key]
        assert (r["flags"], r["reviewed"], r["confirmed"], r["not_confirmed"], r["recovered_amount"]) == (
            flags, reviewed, confirmed, not_confirmed, recovered), key
        if reviewed:
            assert r["confirmed_rate"] == (Decimal(confirmed) / reviewed).quantize(Decimal("0.0001")), key
        else:
            assert r["confirmed_rate"] is None, key
    # the figures the test exists to protect, city-wide
    a, b = got[(RULE_A, "TOTAL")], got[(RULE_B, "TOTAL")]
    assert (a["reviewed"], a["confirmed"], a["not_confirmed"]) == (10, 8, 2)
    assert a["confirmed_rate"] == Decimal("0.8000") and a["smoothed_confirmed_rate"] == Decimal("0.7500")
    assert a["recovered_amount"] == Decimal("600.00")  # 999.00 (待复核) and 888.00 (已退回) not counted
    assert (b["reviewed"], b["confirmed"], b["not_confirmed"]) == (1, 1, 0)
    assert b["confirmed_rate"] == Decimal("1.0000") and b["smoothed_confirmed_rate"] == Decimal("0.6667")
    r01 = got[("R01", "TOTAL")]
    assert (r01["reviewed"], r01["confirmed_rate"], r01["smoothed_confirmed_rate"]) == (0, None, Decimal("0.5000"))
    assert r01["flags"] == sum(1 for f in built["flags"] if f["rule_code"] == "R01" and f["county_code"] in AGENCIES)


# ---------------------------------------------------------------- case_ledger.priority

def _config() -> dict:
    return yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def _money(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _expected_priorities(built) -> dict[str, Decimal]:
    """case_id -> priority by INTERFACE.md's formula, from the truth files and dbt_project.yml."""
    cfg = _config()
    with (REPO / "seeds" / "rule_catalogue.csv").open(encoding="utf-8") as fh:
        has_amount = {r["rule_code"]: r["has_amount"] == "true" for r in csv.DictReader(fh)}
    rates = {r: Decimal("0.5000") for r in has_amount}  # (0 + 1) / (0 + 2)
    rates[RULE_A] = Decimal("0.7500")                   # (8 + 1) / (10 + 2)
    rates[RULE_B] = Decimal("0.6667")                   # (1 + 1) / (1 + 2), 4 decimals
    out = {}
    for f in built["flags"]:
        base = Decimal(f["amount"]) if has_amount[f["rule_code"]] else Decimal(
            cfg["priority_weights"].get(f["rule_code"], cfg["priority_default_weight"]))
        out[flag_id(f["rule_code"], f["subject_id"])] = _money(base * rates[f["rule_code"]])
    for s in _rows(built["warehouse"], "select case_id, overdue from marts.case_ledger where case_type = 'suspect'"):
        bonus = Decimal(cfg["priority_overdue_bonus"]) if s["overdue"] else Decimal(0)
        out[s["case_id"]] = _money(Decimal(cfg["priority_suspect_weight"]) * Decimal("0.5000")) + bonus
    return out


def _sort_key(row: dict, priority: Decimal):
    return (-priority, row["case_type"], row["county_code"] is None, row["county_code"] or "",
            row["rule_code"] is None, row["rule_code"] or "", row["subject_id"] or "", row["case_id"])


def test_priority_follows_the_outcomes(built):
    ledger = _rows(built["warehouse"], "select * from marts.case_ledger")
    expected = _expected_priorities(built)
    assert {r["case_id"]: r["priority"] for r in ledger} == expected
    order = [r["case_id"] for r in sorted(ledger, key=lambda r: _sort_key(r, expected[r["case_id"]]))]
    published = [r["case_id"] for r in _rows(built["warehouse"], f"select l.case_id from marts.case_ledger l "
                                                                 f"order by {queries.WORKLIST_ORDER}")]
    assert published == order
    by_id = {r["case_id"]: r for r in ledger}
    # overdue issued suspects first, then by expected amount at stake
    overdue = [c for c in order if by_id[c]["overdue"]]
    assert overdue and order[:len(overdue)] == overdue
    a_case = flag_id(RULE_A, built["plan"][0][0]["subject_id"])
    assert by_id[a_case]["priority_rate"] == Decimal("0.7500")
    assert by_id[a_case]["priority"] == _money(Decimal(built["plan"][0][0]["amount"]) * Decimal("0.75"))
    b_flags = [f for f in built["flags"] if f["rule_code"] == RULE_B]
    assert {by_id[flag_id(RULE_B, f["subject_id"])]["priority"] for f in b_flags} == {Decimal("1333.40")}  # 2000 x 0.6667
    r17 = [f for f in built["flags"] if f["rule_code"] == "R17"]
    assert {by_id[flag_id("R17", f["subject_id"])]["priority"] for f in r17} == {Decimal("2500.00")}  # 5000 x 0.5
    # an R24 case (weight 2000, one confirmed review) now ranks above an unreviewed R13 case (weight 2000)
    r13 = next(f for f in built["flags"] if f["rule_code"] == "R13")
    assert order.index(flag_id(RULE_B, b_flags[0]["subject_id"])) < order.index(flag_id("R13", r13["subject_id"]))
    assert by_id[flag_id("R13", r13["subject_id"])]["priority"] == Decimal("1000.00")


def test_export_is_sorted_by_priority(built, tmp_path):
    out = tmp_path / "worklist.xlsx"
    assert cases_cli.export_command(built["warehouse"], out, None, None) == 0
    ws = load_workbook(out)["风险台账"]
    rows = list(ws.iter_rows(values_only=True))
    header, body = list(rows[0]), rows[1:]
    ids = [r[header.index("案件编号")] for r in body]
    ledger = {r["case_id"]: r for r in _rows(built["warehouse"], "select * from marts.case_ledger")}
    expected = _expected_priorities(built)
    assert ids == sorted(ledger, key=lambda c: _sort_key(ledger[c], expected[c]))
    assert [r[header.index("优先顺序")] for r in body] == list(range(1, len(body) + 1))
    priorities = [expected[c] for c in ids]
    assert priorities == sorted(priorities, reverse=True)
    info = [r[0] for r in load_workbook(out)["填写说明"].iter_rows(values_only=True)]
    assert any(queries.PRIORITY_NOTE in (line or "") for line in info)


# ---------------------------------------------------------------- dashboard

ENGLISH = re.compile(r"[A-Za-z_]+")


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _page_text(at) -> str:
    """Everything a user reads on the page: texts, labels, options, table headers and cells."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "text", "code", "json"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    for m in at.metric:
        parts.extend([str(m.label), str(m.value)])
    for w in (*at.selectbox, *at.text_input, *at.text_area, *at.radio, *at.checkbox, *at.date_input):
        parts.append(str(w.label))
        parts.extend(str(o) for o in getattr(w, "options", []) or [])
    for df in (*at.dataframe, *at.table):
        frame = df.value
        parts.extend(str(c) for c in frame.columns)
        parts.extend(str(v) for v in frame.astype(str).to_numpy().ravel())
    return "\n".join(parts)


def _no_english_key(text: str, evidence: dict) -> None:
    words = set(ENGLISH.findall(text))
    keys = _keys(evidence)
    assert {"death_records", "payout_type", "months_paid_after_death"} <= keys  # an R01 evidence document
    shown = sorted(k for k in keys if k in words)
    assert not shown, shown
    assert "None" not in words


@pytest.fixture
def dashboard(built, monkeypatch):
    monkeypatch.setenv("PENSION_RISK_WAREHOUSE", str(built["warehouse"]))
    monkeypatch.delenv("PENSION_RISK_CASES", raising=False)
    return built


def _r01_flags(warehouse: Path) -> list[dict]:
    return _rows(warehouse, "select flag_id, county_code, subject_id, evidence, explanation from marts.risk_flags "
                            "where rule_code = 'R01' order by county_code, subject_id")


def test_case_page_shows_the_explanation_and_evidence_tables(dashboard):
    flag = next(f for f in _r01_flags(dashboard["warehouse"]) if f["county_code"] == "340403")
    at = logged_in("verifier_340403")
    at.session_state["cases_selected"] = flag["flag_id"]
    open_page(at, "cases_case")
    assert not at.exception, [e.value for e in at.exception]
    assert flag["explanation"] and flag["explanation"] in [i.value for i in at.info]
    tables = [d.value for d in at.dataframe]
    death = next(t for t in tables if "信息来源" in t.columns)   # death_records
    payouts = next(t for t in tables if "发放类型" in t.columns)  # payouts, codes as names
    assert set(payouts["发放类型"]) <= {"正常发放", "补发", "调整补差"}
    assert set(death["信息来源"]) <= {"公安户籍注销", "民政火化", "卫健死亡医学证明", "村(居)死亡报告"}
    _no_english_key(_page_text(at), json.loads(flag["evidence"]))


def test_rule_page_shows_the_explanation_and_masked_evidence_tables(dashboard):
    flag = _r01_flags(dashboard["warehouse"])[0]  # the page's first subject of R01
    evidence = json.loads(flag["evidence"])
    at = open_page(logged_in("leader"), "rules")
    at.selectbox(key="rules_rule").set_value("R01").run()
    assert not at.exception, [e.value for e in at.exception]
    leader = Principal("leader", "王领导", "leader")
    assert masking.explanation(flag["explanation"], flag["evidence"], leader) in [i.value for i in at.info]
    text = _page_text(at)
    _no_english_key(text, evidence)
    assert evidence["id_number"] not in text                      # a leader never receives it unmasked
    assert masking.mask_id(evidence["id_number"]) in text
    assert evidence["name"] not in text


def test_worklist_page_and_outcomes_page(dashboard):
    at = open_page(logged_in("reviewer"), "cases_worklist")
    assert not at.exception, [e.value for e in at.exception]
    assert queries.PRIORITY_NOTE in [c.value for c in at.caption]
    shown = at.dataframe[0].value
    ledger = {r["case_id"]: r for r in _rows(dashboard["warehouse"], "select * from marts.case_ledger")}
    expected = _expected_priorities(dashboard)
    assert shown["案件编号"].tolist() == sorted(ledger, key=lambda c: _sort_key(ledger[c], expected[c]))
    assert "None" not in set(ENGLISH.findall(_page_text(at)))

    at = open_page(logged_in("leader"), "outcomes")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("规则")
    assert table.loc[RULE_A, ["已复核", "属实", "不属实", "属实率", "追回金额(元)"]].tolist() == [
        "10", "8", "2", "80.0%", "600.00"]
    assert table.loc[RULE_B, ["已复核", "属实", "属实率"]].tolist() == ["1", "1", "100.0%"]
    assert table.loc["R01", "属实率"] == ""
