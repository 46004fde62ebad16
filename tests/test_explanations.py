"""marts.risk_flags.explanation on a generated landing (3,000 persons, every rule planted).

Every flag has a finished Chinese explanation, and for each of the 29 rules one planted
case's sentence carries that case's own facts as the generator wrote them: its date,
month span, amount (truth_flags.csv) and counterpart (account tail, operator, linked
persons, card, …). The expected facts are computed here from the landing files
themselves (not from the warehouse), with this file's own formatting.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pension_risk.contract import FILES_BY_NAME
from pension_risk.ids import normalize_id

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
AS_OF = dt.date(2021, 6, 30)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from pension_risk.generate import generate
    from pension_risk.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("explanations")
    generate(out=root / "landing", truth=root / "landing_truth", persons=3000, seed=7, as_of=AS_OF, batches=3)
    run_pipeline(root / "landing", root / "w.duckdb", quiet=True)
    return root


@pytest.fixture(scope="module")
def explanations(generated) -> dict[tuple[str, str], str]:
    con = duckdb.connect(str(generated / "w.duckdb"), read_only=True)
    try:
        rows = con.execute("select rule_code, subject_id, explanation from marts.risk_flags").fetchall()
    finally:
        con.close()
    return {(r, s): e for r, s, e in rows}


# ---------------------------------------------------------------- formatting (independent of dbt)

def zh_date(text: str) -> str:
    d = dt.date.fromisoformat(text[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def zh_month(text: str) -> str:
    return f"{int(text[:4])}年{int(text[5:7])}月"


def zh_span(first: str, last: str) -> str:
    if first[:7] == last[:7]:
        return zh_month(first)
    if first[:4] == last[:4]:
        return f"{zh_month(first)}至{int(last[5:7])}月"
    return f"{zh_month(first)}至{zh_month(last)}"


def zh_time(text: str) -> str:
    return f"{zh_date(text)} {text[11:16]}"


def yuan(amount: str | Decimal) -> str:
    return f"{Decimal(amount):,.2f}元"


def code_names() -> dict[tuple[str, str], str]:
    with (SEEDS / "code_names.csv").open(encoding="utf-8") as fh:
        return {(r["code_set"], r["code"]): r["name"] for r in csv.DictReader(fh)}


def month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7])
    k = y * 12 + m - 1 + n
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def months(first: str, last: str) -> list[str]:
    out, m = [], first[:7]
    while m <= last[:7]:
        out.append(m)
        m = month_add(m, 1)
    return out


# ---------------------------------------------------------------- the landing files as generated

class Landing:
    """Current rows of each raw file: the newest batch for snapshots, the last row per key for increments."""

    def __init__(self, landing: Path):
        self.batches = sorted(p for p in landing.iterdir() if p.is_dir())
        self._cache: dict[str, list[dict]] = {}

    def _read(self, path: Path) -> list[dict]:
        spec = FILES_BY_NAME[path.name]
        if path.suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            rows = list(wb.worksheets[0].iter_rows(values_only=True))
            wb.close()
            out = []
            for r in rows[1:]:
                if not any(v not in (None, "") for v in r):
                    continue
                vals = [v.isoformat()[:10] if isinstance(v, dt.date | dt.datetime) else (None if v in (None, "") else str(v).strip())
                        for v in r]
                out.append(dict(zip(spec.columns, vals, strict=True)))
            return out
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        reader = csv.reader(io.StringIO(text))
        next(reader)
        return [{c: (v.strip() or None) for c, v in zip(spec.columns, r, strict=False)} for r in reader]

    def rows(self, name: str) -> list[dict]:
        if name not in self._cache:
            spec = FILES_BY_NAME[name]
            if spec.kind == "snapshot":
                self._cache[name] = self._read(self.batches[-1] / name)
            else:
                latest: dict[tuple, dict] = {}
                for b in self.batches:
                    seen = set()
                    for r in self._read(b / name):
                        key = tuple(r[k] for k in spec.key)
                        if key in seen:  # a repeated key within a file is rejected
                            continue
                        seen.add(key)
                        latest[key] = r
                self._cache[name] = list(latest.values())
        return self._cache[name]

    def where(self, name: str, **eq) -> list[dict]:
        return [r for r in self.rows(name) if all(r[k] == v for k, v in eq.items())]

    def paid(self, **eq) -> list[dict]:
        return [r for r in self.where("payouts.csv", pay_status="1", **eq) if r["pay_month"] >= "2019-01"]


def covered(payout: dict) -> list[str]:
    return months(payout["period_from"], payout["period_to"])


def tails(accounts) -> list[str]:
    return [a[-4:] for a in sorted(set(accounts))]


def person_death_date(land: Landing, person_id: str) -> str:
    nid = normalize_id(land.where("persons.csv", person_id=person_id)[0]["id_number"])
    return min(r["death_date"] for r in land.rows("deaths.csv") if normalize_id(r["id_number"]) == nid)


# ---------------------------------------------------------------- expected facts per rule

def facts(rule: str, subject: str, amount: str, land: Landing, names: dict) -> list[str]:
    """The substrings the rule's explanation of this subject must contain."""
    money = [yuan(amount)] if amount else []
    if rule == "R01":
        death = person_death_date(land, subject)
        after = [(m, p) for p in land.paid(person_id=subject) for m in covered(p) if m > death[:7]]
        ms = sorted({m for m, _ in after})
        return [zh_date(death), zh_span(ms[0], ms[-1]), f"{len(ms)}个月", *money, *tails(p["account_no"] for _, p in after)]
    if rule in ("R02", "R03"):
        to_status, reason = ("2", "1203") if rule == "R02" else ("4", "1401")
        benefits = {b["benefit_id"] for b in land.where("benefits.csv", person_id=subject)}
        changes = sorted((c for c in land.where("status_changes.csv", to_status=to_status, reason_code=reason)
                          if c["benefit_id"] in benefits), key=lambda c: c["operated_at"])
        change = changes[0]
        after = [p for p in land.paid(benefit_id=change["benefit_id"]) if p["pay_month"] > change["operated_at"][:7]]
        pay_months = sorted(p["pay_month"] for p in after)
        return [zh_date(change["operated_at"]), zh_span(pay_months[0], pay_months[-1]), f"{len(after)}笔", *money,
                *tails(p["account_no"] for p in after)]
    if rule in ("R04", "R05"):
        benefits = land.where("benefits.csv", person_id=subject)
        m_total = sum(Decimal(b["monthly_amount"]) for b in benefits)
        scheme = sorted(benefits, key=lambda b: (-Decimal(b["monthly_amount"]), b["benefit_id"]))[0]["scheme_code"]
        multiple, floor = (3, {"170": 3000, "110": 20000, "120": 30000}) if rule == "R04" else (2, {"170": 1000, "110": 8000, "120": 12000})
        threshold = max(multiple * m_total, Decimal(floor[scheme]))
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for p in land.paid(person_id=subject):
            totals[p["pay_month"]] += Decimal(p["amount"])
        high = sorted(m for m, t in totals.items() if t > threshold)
        in_high = [p for p in land.paid(person_id=subject) if p["pay_month"] in high]
        if rule == "R04":
            largest = sorted(in_high, key=lambda p: (-Decimal(p["amount"]), p["payout_id"]))[0]
            return [zh_month(high[0]), yuan(totals[high[0]]), yuan(threshold), zh_span(largest["period_from"], largest["period_to"]),
                    yuan(largest["amount"]), largest["account_no"][-4:], *money]
        return [*(zh_month(m) for m in high), yuan(threshold), *money, *tails(p["account_no"] for p in in_high)]
    if rule == "R06":
        ops = sorted(land.where("operations.csv", batch_id=subject), key=lambda o: (o["operated_at"], o["log_id"]))
        return [subject, zh_time(ops[0]["operated_at"]), ops[0]["user_id"], f"共{len(ops)}笔操作"]
    if rule == "R07":
        into = land.paid(account_no=subject)
        linked = {p["person_id"] for p in into} | {b["person_id"] for b in land.where("benefits.csv", account_no=subject, status="1")}
        persons = [land.where("persons.csv", person_id=p)[0]["name"] for p in sorted(linked)]
        pay_months = sorted(p["pay_month"] for p in into)
        return [f"尾号{subject[-4:]}", *persons, zh_span(pay_months[0], pay_months[-1]), f"{len(into)}笔", *money]
    if rule == "R08":
        b = land.where("benefits.csv", benefit_id=subject)[0]
        return [subject, zh_time(b["determined_at"]), b["determined_by"], zh_month(b["start_month"]), yuan(b["monthly_amount"])]
    if rule in ("R09", "R14"):
        batch = land.where("payouts.csv", batch_id=subject)
        earliest = sorted(batch, key=lambda p: (p["paid_on"], p["payout_id"]))[0]
        return [subject, zh_month(earliest["pay_month"]), earliest["created_by"], f"共{len(batch)}笔发放", *money]
    if rule == "R10":
        nid = normalize_id(land.where("persons.csv", person_id=subject)[0]["id_number"])
        term = sorted((r for r in land.where("incarcerations.csv", sentence_type="1") if normalize_id(r["id_number"]) == nid),
                      key=lambda r: (r["start_date"], r["record_id"]))[0]
        end_month = (term["end_date"] or AS_OF.isoformat())[:7]
        inside = [(m, p) for p in land.paid(person_id=subject) for m in covered(p) if term["start_date"][:7] < m <= end_month]
        ms = sorted({m for m, _ in inside})
        return [zh_date(term["start_date"]), zh_span(ms[0], ms[-1]), f"{len(ms)}个月", *money, *tails(p["account_no"] for _, p in inside)]
    if rule == "R11":
        p = land.where("payouts.csv", payout_id=subject)[0]
        return [zh_span(p["period_from"], p["period_to"]), zh_date(p["paid_on"]), f"尾号{p['account_no'][-4:]}", *money,
                f"{(AS_OF - dt.date.fromisoformat(p['paid_on'])).days}天"]
    if rule == "R12":
        backpays = sorted((p for p in land.paid(person_id=subject) if p["payout_type"] == "2"), key=lambda p: p["pay_month"])
        out = [*money, *tails(p["account_no"] for p in backpays)]
        for p in backpays[:6]:
            out.append(f"{zh_month(p['pay_month'])}补发{zh_span(p['period_from'], p['period_to'])}待遇{yuan(p['amount'])}")
        return out
    if rule in ("R13", "R16", "R24", "R25", "R26"):
        user = land.where("users.csv", user_id=subject)[0]
        roles = {r["role_code"]: r for r in land.where("user_roles.csv", user_id=subject)
                 if r["granted_on"] <= AS_OF.isoformat() and (r["revoked_on"] is None or r["revoked_on"] > AS_OF.isoformat())}
        out = [subject, user["name"]]
        if rule == "R13":
            pairs = [("BEN_ENTRY", "BEN_REVIEW"), ("PAY", "BEN_REVIEW"), ("PAY", "CERT"), ("SYS_ADMIN", "BEN_ENTRY"),
                     ("SYS_ADMIN", "BEN_REVIEW"), ("SYS_ADMIN", "PAY")]
            held = [(a, b) for a, b in pairs if a in roles and b in roles]
            since = min(max(roles[a]["granted_on"], roles[b]["granted_on"]) for a, b in held)
            out += [zh_date(since), *(f"{names[('role', a)]}与{names[('role', b)]}" for a, b in held)]
        elif rule == "R16":
            out += [zh_date(roles["FIN_ACCOUNTANT"]["granted_on"]), zh_date(roles["FIN_CASHIER"]["granted_on"])]
        elif rule == "R24":
            staff = land.where("staff.xlsx", user_id=subject)[0]
            out += [zh_date(staff["left_on"]), staff["employment_status"], names[("account_status", user["account_status"])]]
        elif rule == "R25":
            out += [names[("role", r)] for r in roles if r in ("SYS_ADMIN", "SEC_ADMIN", "AUDIT_ADMIN")]
        else:
            out += [zh_date(user["created_on"]), names[("login_method", "3")]]
        return out
    if rule == "R15":
        r = land.where("reconciliations.csv", recon_id=subject)[0]
        out = [zh_month(r["month"]), f"尾号{r['bank_account'][-4:]}", r["prepared_by"]]
        if Decimal(r["book_balance"]) != Decimal(r["bank_balance"]):
            out += [yuan(r["book_balance"]), yuan(r["bank_balance"]), *money]
        return out
    if rule == "R17":
        passed = [c["certified_on"] for c in land.where("certifications.csv", person_id=subject, result="1")]
        starts = sorted(b["start_month"] for b in land.where("benefits.csv", person_id=subject, status="1"))
        return [zh_date(max(passed)), zh_month(starts[0]), zh_date("2019-06-30"), zh_date(AS_OF.isoformat())]
    if rule == "R18":
        nid = normalize_id(land.where("persons.csv", person_id=subject)[0]["id_number"])
        rec = sorted((r for r in land.rows("deaths.csv") if normalize_id(r["id_number"]) == nid),
                     key=lambda r: (r["received_on"], r["death_id"]))[0]
        return [zh_date(rec["received_on"]), zh_date(rec["death_date"]), names[("death_source", rec["source"])],
                f"{(AS_OF - dt.date.fromisoformat(rec['received_on'])).days}天"]
    if rule == "R19":
        c = land.where("certifications.csv", cert_id=subject)[0]
        return [zh_date(c["certified_on"]), c["operator_id"], names[("cert_method", "3")]]
    if rule in ("R20", "R21", "R22"):
        card = land.where("cards.csv", card_no=subject)[0]
        if rule == "R20":
            return [subject, zh_date(card["arrived_on"])]
        if rule == "R21":
            return [subject, zh_date(person_death_date(land, card["person_id"])), names[("card_status", card["status"])]]
        return [subject, zh_date(card["activated_on"]), names[("activation_mode", "3")]]
    if rule == "R23":
        o = land.where("operations.csv", log_id=subject)[0]
        return [subject, zh_time(o["operated_at"]), o["user_id"], names[("op_code", o["op_code"])]]
    if rule == "R27":
        records = [p for p in land.rows("persons.csv") if normalize_id(p["id_number"]) == subject]
        by_month: dict[str, set[str]] = defaultdict(set)
        for rec in records:
            for p in land.paid(person_id=rec["person_id"]):
                for m in covered(p):
                    by_month[m].add(p["benefit_id"])
        dup = sorted(m for m, bs in by_month.items() if len(bs) >= 2)
        return [subject, *(r["person_id"] for r in records), zh_span(dup[0], dup[-1]), f"{len(dup)}个月", *money]
    if rule == "R28":
        nid = normalize_id(land.where("persons.csv", person_id=subject)[0]["id_number"])
        person_name = land.where("persons.csv", person_id=subject)[0]["name"]
        accounts = {a["account_no"]: a for a in land.rows("bank_accounts.csv")}
        bad = []
        for p in land.paid(person_id=subject):
            a = accounts.get(p["account_no"])
            if a and ((a["holder_id_number"] and normalize_id(a["holder_id_number"]) != nid)
                      or (not a["holder_id_number"] and a["holder_name"] != person_name)):
                bad.append(p)
        first_account = sorted(p["account_no"] for p in bad)[0]
        on_first = sorted(p["pay_month"] for p in bad if p["account_no"] == first_account)
        return [f"尾号{first_account[-4:]}", accounts[first_account]["holder_name"], zh_span(on_first[0], on_first[-1]),
                f"{len(bad)}笔", *money]
    if rule == "R29":
        s = land.where("suspects.xlsx", suspect_id=subject)[0]
        return [subject, s["issuer"], zh_date(s["issued_on"]), s["suspect_type"],
                f"{(AS_OF - dt.date.fromisoformat(s['issued_on'])).days}天"]
    raise AssertionError(f"no expectation for {rule}")


# ---------------------------------------------------------------- the tests

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_flag_has_a_finished_chinese_explanation(explanations):
    assert len(explanations) > 400
    assert {r for r, _ in explanations} == {f"R{i:02d}" for i in range(1, 30)}
    bad = {k: e for k, e in explanations.items()
           if not e or len(CJK.findall(e)) < 10 or re.search(r"[{}\[\]]|不详|None|null", e)}
    assert not bad, list(bad.items())[:5]


def test_each_rules_planted_case_carries_its_own_facts(generated, explanations):
    truth = generated / "landing_truth"
    with (truth / "truth_flags.csv").open(encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    planted = json.loads((truth / "truth_summary.json").read_text(encoding="utf-8")).get("planted_subjects", {})
    amounts = {(r["rule_code"], r["subject_id"]): r["amount"] for r in expected}
    land, names = Landing(generated / "landing"), code_names()
    checked, missing = [], []
    for i in range(1, 30):
        rule = f"R{i:02d}"
        subjects = planted.get(rule) or sorted(s for r, s in amounts if r == rule)
        if rule == "R15":  # prefer a reconciliation whose balances differ: it has an amount to show
            subjects = sorted(subjects, key=lambda s: Decimal(amounts[(rule, s)] or 0) == 0)
        subject = subjects[0]
        sentence = explanations[(rule, subject)]
        want = facts(rule, subject, amounts[(rule, subject)], land, names)
        assert want, rule
        missing += [(rule, subject, w, sentence) for w in want if w not in sentence]
        checked.append(rule)
    assert not missing, "\n".join(f"{r} {s}: {w!r} not in {e}" for r, s, w, e in missing)
    assert len(checked) == 29


def test_the_contract_example_sentence_shape(explanations):
    """R01 reads like INTERFACE.md's example: source, death date, months after death, yuan, account tail."""
    pattern = re.compile(r"^据.+信息，该人员于\d{4}年\d{1,2}月\d{1,2}日死亡；\d{4}年\d{1,2}月(至(\d{4}年)?\d{1,2}月)?"
                         r"仍发放养老金\d+个月，共[\d,]+\.\d{2}元，发放至尾号\d{4}(、\d{4})*的账户。$")
    r01 = [e for (r, _), e in explanations.items() if r == "R01"]
    assert r01 and all(pattern.match(e) for e in r01), [e for e in r01 if not pattern.match(e)][:3]
