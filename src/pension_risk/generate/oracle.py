"""Independent computation of expected flags (RULES.md) over the final generated state.

Here: R06, R08, R09, R13, R14, R15, R16, R18, R19, R20, R21, R22, R23, R24, R25, R26, R29;
the person-, payout- and account-level rules (R01-R05, R07, R10-R12, R17, R27, R28) are in
`oracle_pay.py`. Every rule must have at least one truth row; planted positives / near-misses
are cross-checked against the result.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pension_risk.generate import cal
from pension_risk.ids import normalize_id

HIGH = {"STATUS_RESUME", "AMOUNT_ADJUST", "BACKPAY"}
CONFLICTS = [("BEN_ENTRY", "BEN_REVIEW"), ("PAY", "BEN_REVIEW"), ("PAY", "CERT"), ("SYS_ADMIN", "BEN_ENTRY"),
             ("SYS_ADMIN", "BEN_REVIEW"), ("SYS_ADMIN", "PAY")]


def _current(t: pd.DataFrame, key: str) -> pd.DataFrame:
    t = t[t["_exc"] != "rejected"]
    if "_batch" in t:
        t = t.sort_values("_batch", kind="stable").drop_duplicates(key, keep="last")
    return t


def truth_flags(w, wr) -> list[tuple[str, str, str, str, str]]:
    T = {k: v for k, v in wr.tables.items()}
    as_of = w.as_of
    iso = as_of.isoformat()
    flags: list[tuple[str, str, str, str, str]] = []
    persons = _current(T["persons"], "person_id")
    pcounty = dict(zip(persons["person_id"], persons["county_code"]))
    users = T["users"]
    ucounty = dict(zip(users["user_id"], users["org_county_code"]))
    roles = T["user_roles"]
    active_user = set(users.loc[users["account_status"] == "1", "user_id"])
    act = roles[(roles["granted_on"] <= iso) & (roles["revoked_on"].isna() | (roles["revoked_on"] > iso))]
    held: dict[str, set[str]] = {}
    for u, r in zip(act["user_id"], act["role_code"]):
        held.setdefault(u, set()).add(r)
    for u in sorted(active_user):
        h = held.get(u, set())
        if any(a in h and b in h for a, b in CONFLICTS):
            flags.append(("R13", u, ucounty[u], "", ""))
        if {"FIN_ACCOUNTANT", "FIN_CASHIER"} <= h:
            flags.append(("R16", u, ucounty[u], "", ""))
        if len(h & {"SYS_ADMIN", "SEC_ADMIN", "AUDIT_ADMIN"}) >= 2:
            flags.append(("R25", u, ucounty[u], "", ""))
    for u, lm in zip(users["user_id"], users["login_method"]):
        if u in active_user and lm == "3":
            flags.append(("R26", u, ucounty[u], "", ""))
    ben = T["benefits"]
    for b, p, det, at in zip(ben["benefit_id"], ben["person_id"], ben["determination"], ben["determined_at"]):
        if det == "2" and at >= "2019-01-01":
            flags.append(("R08", b, pcounty[p], "", p))
    certs = _current(T["certifications"], "cert_id")
    for c, p, m, op, rv in zip(certs["cert_id"], certs["person_id"], certs["method"], certs["operator_id"],
                               certs["reviewer_id"]):
        if m == "3" and (rv is None or rv != rv or rv == op):
            flags.append(("R19", c, pcounty[p], "", p))
    # deaths by normalized id
    deaths = _current(T["deaths"], "death_id")
    death_of: dict[str, str] = {}
    received_ok: set[str] = set()
    lim30 = (as_of - dt.timedelta(days=30)).isoformat()
    for idn, dd, rc in zip(deaths["id_number"], deaths["death_date"], deaths["received_on"]):
        n = normalize_id(idn)
        if n is None:
            continue
        death_of[n] = min(death_of.get(n, dd), dd)
        if rc <= lim30:
            received_ok.add(n)
    nid = {p: normalize_id(i) for p, i in zip(persons["person_id"], persons["id_number"])}
    active_p = set(ben.loc[ben["status"] == "1", "person_id"])
    for p in persons["person_id"]:
        if nid[p] in received_ok and p in active_p:
            flags.append(("R18", p, pcounty[p], "", p))
    cards = T["cards"]
    lim6 = cal.add_months(as_of, -6).isoformat()
    for c, p, arr, dist, st, mode in zip(cards["card_no"], cards["person_id"], cards["arrived_on"],
                                         cards["distributed_on"], cards["status"], cards["activation_mode"]):
        if (dist is None or dist != dist) and arr <= lim6 and st != "4":
            flags.append(("R20", c, pcounty[p], "", p))
        dd = death_of.get(nid.get(p) or "")
        if dd is not None and dd <= iso and st != "3":
            flags.append(("R21", c, pcounty[p], "", p))
        if mode == "3":
            flags.append(("R22", c, pcounty[p], "", p))
    ops = _current(T["operations"], "log_id")
    hr = ops["op_code"].isin(["BENEFIT_DETERMINE", "STATUS_RESUME", "AMOUNT_ADJUST", "BACKPAY", "BANK_CHANGE"])
    bad = hr & (ops["reviewer_id"].isna() | (ops["reviewer_id"] == ops["user_id"]))
    for lid, u, p in zip(ops.loc[bad, "log_id"], ops.loc[bad, "user_id"], ops.loc[bad, "person_id"]):
        flags.append(("R23", lid, ucounty[u], "", p or ""))
    ob = ops[ops["batch_id"].notna()].sort_values(["operated_at", "log_id"])
    for bid, g in ob.groupby("batch_id", sort=True):
        if g["op_code"].isin(HIGH).sum() >= 5:
            ts = dt.datetime.fromisoformat(g["operated_at"].iloc[0])
            if not cal.is_working_time(ts):
                flags.append(("R06", bid, ucounty[g["user_id"].iloc[0]], "", ""))
    staff = T["staff"]
    last_op = ops.groupby("user_id")["operated_at"].max().to_dict()
    ustatus = dict(zip(users["user_id"], users["account_status"]))
    for u, ag, st, left in zip(staff["user_id"], staff["agency_code"], staff["employment_status"], staff["left_on"]):
        if st != "在岗" and left is not None and left <= iso:
            if ustatus.get(u) == "1" or (last_op.get(u, "")[:10] > left):
                flags.append(("R24", u, ucounty.get(u, ag), "", ""))
    rec = _current(T["reconciliations"], "recon_id")
    for r in rec.itertuples():
        me = cal.month_end(int(r.month[:4]) * 12 + int(r.month[5:]) - 1).isoformat()
        cashier = set(roles.loc[(roles["role_code"] == "FIN_CASHIER") & (roles["granted_on"] <= me)
                                & (roles["revoked_on"].isna() | (roles["revoked_on"] > me)), "user_id"])
        diff = abs(round(float(r.book_balance) - float(r.bank_balance), 2))
        if pd.isna(r.reviewed_by) or r.reviewed_by == r.prepared_by or r.reviewed_by in cashier or diff != 0:
            flags.append(("R15", r.recon_id, r.county_code, f"{diff:.2f}", ""))
    sus = _current(T["suspects"], "suspect_id")
    for s, day, c in zip(sus["suspect_id"], sus["issued_on"], sus["county_code"]):
        if day <= lim30:
            flags.append(("R29", s, c, "", ""))
    # payout batches: R09 / R14 (orphans excluded: they are not in the model)
    agg09: dict[int, int] = {}
    agg14: dict[int, int] = {}
    first: dict[int, tuple[int, int, int]] = {}
    for ch in w.pay_chunks:
        rv = ch["reviewed"].to_numpy()
        m9 = (rv < 0) | (rv == ch["created"].to_numpy())
        m14 = ch["channel"].to_numpy() == 2
        for mask, agg in ((m9, agg09), (m14, agg14)):
            for pb, c in zip(ch["pb"].to_numpy()[mask], ch["cents"].to_numpy()[mask]):
                agg[int(pb)] = agg.get(int(pb), 0) + int(c)
        sel = m9 | m14
        if sel.any():
            for pb in np.unique(ch["pb"].to_numpy()[sel]):
                g = ch[ch["pb"].to_numpy() == pb].sort_values(["paid", "no"])
                first[int(pb)] = int(g["created"].iloc[0])
    uids = [u["user_id"] for u in w.users]
    for code, agg in (("R09", agg09), ("R14", agg14)):
        for pb, cents in sorted(agg.items()):
            flags.append((code, wr.pb_strings(np.array([pb]))[0], ucounty[uids[first[pb]]],
                          f"{cents / 100:.2f}", ""))
    from pension_risk.generate import oracle_pay
    # the tables above are not needed any more: free them before the payout-level oracle (peak memory)
    del T, persons, pcounty, users, ucounty, roles, act, ben, certs, deaths, death_of, nid, active_p, cards, ops
    del hr, bad, ob, staff, last_op, rec, sus
    oracle_pay.release_memory()
    flags += oracle_pay.flags(w, wr)
    keys = [(f[0], f[1]) for f in flags]
    assert len(keys) == len(set(keys)), "one truth row per (rule, subject)"
    missing = sorted({f"R{i:02d}" for i in range(1, 30)} - {f[0] for f in flags})
    assert not missing, f"rules without any truth row: {missing}"
    return sorted(set(flags))
