"""Planted anomalies: clear positives for every rule R01-R29 and near-miss negatives."""

from __future__ import annotations

import datetime as dt

import numpy as np

from pension_risk.contract import AGENCY_CODES
from pension_risk.generate import cal
from pension_risk.generate.events import (
    add_payout,
    bank_change,
    clean_pool,
    death_record,
    new_account,
    status_change,
    transfer,
)
from pension_risk.generate.world import DAY, NA, World, legacy_or_messy


class Pool:
    def __init__(self, w: World):
        self.w = w
        pool = clean_pool(w)
        self.items = list(w.rng.permutation(pool).tolist())

    def take(self, scheme: int | None = None, min_amount: float = 0) -> int:
        B = self.w.B
        for i, b in enumerate(self.items):
            if (scheme is None or B.at[b, "scheme"] == scheme) and B.at[b, "base"] >= min_amount:
                self.items.pop(i)
                B.at[b, "reserved"] = True
                self.w.P.at[int(B.at[b, "person"]), "reserved"] = True
                return b
        if scheme is not None:
            return self.take(None)
        # pool exhausted: create a fresh person with a benefit started in 2015
        w = self.w
        p = w.add_person()
        return w.add_benefit(p, 170, 2015 * 12 + 3, float(w.rng.uniform(200, 500)),
                             acct=new_account(w, w.P.at[p, "name"], w.P.at[p, "id_number"], cal.day_num(dt.date(2014, 1, 1))))


def plant_all(w: World) -> None:
    rng, B, P = w.rng, w.B, w.P
    pool = Pool(w)
    k = w.k
    M0, Ml = w.M0, w.Mlast
    pl = w.plants

    def person(b: int) -> int:
        return int(B.at[b, "person"])

    def month_between(lo: int, hi: int) -> int:
        return int(rng.integers(lo, max(lo + 1, hi)))

    # ---------------- R01 / R18 / R21: deaths
    for i in range(k):
        b = pool.take()
        p = person(b)
        dm = month_between(M0 + 2, Ml - 4)
        death = cal.day_num(cal.mi_date(dm, int(rng.integers(1, 27))))
        if i % 2 == 0:   # terminated two months late: payouts after death
            received = cal.day_num(cal.mi_date(dm + 2, 12))
            term = w.work_ts(np.array([received + 2]))[0]
            B.at[b, "pay_to"] = dm + 2
            status_change(w, b, "1", "4", "1401", term)
            w.card_rules[p] = dict(status=3)
            pl.pos("R01", f"P{p}: death {cal.num_day(death)}, terminated late, 2 payouts after death (id raw variant)", key=("p", p))
        else:            # never processed: R01 + R18 + R21
            received = death + int(rng.integers(5, 20))
            w.card_rules[p] = dict(status=1)
            pl.pos("R01", f"P{p}: death never processed, paid until as_of", key=("p", p))
            pl.pos("R18", f"P{p}: death received {cal.num_day(received)}, benefit still normal")
            pl.pos("R21", f"P{p}: dead holder's card still normal")
        P.at[p, "dead_day"] = death
        death_record(w, p, death, received, 1 + i % 4, variant=1 + i % 3)
    # near-miss: failed payouts after death, then terminated
    for _ in range(max(1, k // 2)):
        b = pool.take()
        p = person(b)
        dm = month_between(M0 + 2, Ml - 5)
        if dm % 12 in (4, 5):   # not May/June: the July 调整补差 would be paid and cover a month after death
            dm -= 2
        death = cal.day_num(cal.mi_date(dm, 20))
        received = cal.day_num(cal.mi_date(dm + 2, 20))
        B.at[b, "pay_to"] = dm + 2
        w.overrides[(b, dm + 1)] = dict(status=2)
        w.overrides[(b, dm + 2)] = dict(status=2)
        status_change(w, b, "1", "4", "1401", w.work_ts(np.array([received + 1]))[0])
        P.at[p, "dead_day"] = death
        death_record(w, p, death, received, 2)
        w.card_rules[p] = dict(status=3)
        pl.near("R01", f"P{p}: failed payouts after death (not R01, not R11)", key=("p", p))
        # near-miss for R03: payout of the termination month itself
    # near-miss: death near as_of, received 20 days ago, not yet terminated (not R18)
    b = pool.take()
    p = person(b)
    death = w.asof_day - 25
    P.at[p, "dead_day"] = death
    B.at[b, "pay_to"] = min(Ml, cal.mi(cal.num_day(death)))
    death_record(w, p, death, w.asof_day - 20, 4)
    w.card_rules[p] = dict(status=3)
    pl.near("R18", f"P{p}: death received 20 days before as_of, not yet terminated")
    # near-miss: same name, different id (no match)
    b = pool.take()
    p = person(b)
    other = w.new_id(P.at[p, "county"], int(P.at[p, "birth"]) + 400, int(P.at[p, "gender"]))
    death_record(w, p, w.asof_day - 200, w.asof_day - 190, 3, id_number=other, name=P.at[p, "name"])
    pl.near("R01", f"P{p}: a death record with the same name but another id (no match)", key=("p", p))
    # ---------------- R02
    for _ in range(k):
        b = pool.take()
        s = month_between(M0 + 2, Ml - 4)
        B.at[b, "gap_from"], B.at[b, "gap_to"] = s, s + 1
        status_change(w, b, "1", "2", "1203", w.work_ts(np.array([cal.day_num(cal.mi_date(s, 3))]))[0])
        status_change(w, b, "2", "1", "2199", w.work_ts(np.array([cal.day_num(cal.mi_date(s + 2, 3))]))[0])
        add_payout(w, b, s, s + 1, s + 2, 2, -1)
        pl.pos("R02", f"P{person(b)}: suspended 1203 in {cal.month_str(s)}, resumed with back-pay", key=("p", person(b)))
    b = pool.take()
    p = person(b)
    s = month_between(M0 + 2, Ml - 4)
    B.at[b, "pay_to"] = s - 1
    status_change(w, b, "1", "2", "1203", w.work_ts(np.array([cal.day_num(cal.mi_date(s, 3))]))[0])
    status_change(w, b, "2", "4", "1401", w.work_ts(np.array([cal.day_num(cal.mi_date(s + 1, 12))]))[0])
    death_record(w, p, cal.day_num(cal.mi_date(s - 1, 25)), cal.day_num(cal.mi_date(s, 2)), 4)
    P.at[p, "dead_day"] = cal.day_num(cal.mi_date(s - 1, 25))
    w.card_rules[p] = dict(status=3)
    pl.near("R02", f"P{p}: suspended 1203 then terminated 1401, no resume", key=("p", p))
    # ---------------- R03
    for _ in range(k):
        b = pool.take()
        t = month_between(M0 + 2, Ml - 4)
        status_change(w, b, "1", "4", "1401", w.work_ts(np.array([w.payday[t] + 3]))[0])
        status_change(w, b, "4", "1", "2199", w.work_ts(np.array([cal.day_num(cal.mi_date(t + 2, 2))]))[0])
        B.at[b, "gap_from"], B.at[b, "gap_to"] = t + 1, t + 1
        pl.pos("R03", f"P{person(b)}: terminated 1401 in {cal.month_str(t)}, resumed", key=("p", person(b)))
    b = pool.take()
    p = person(b)
    t = month_between(M0 + 2, Ml - 4)
    death = cal.day_num(cal.mi_date(t, 2))
    B.at[b, "pay_to"] = t
    status_change(w, b, "1", "4", "1401", w.work_ts(np.array([w.payday[t] + 3]))[0])
    death_record(w, p, death, death + 4, 1)
    P.at[p, "dead_day"] = death
    w.card_rules[p] = dict(status=3)
    pl.near("R03", f"P{p}: payout of the termination (death) month itself", key=("p", p))
    # ---------------- R04 / R05 / R12 (back-pays)
    floors3 = {170: 300000, 110: 2000000, 120: 3000000}
    floors2 = {170: 100000, 110: 800000, 120: 1200000}
    for i in range(k):
        b = pool.take()
        sch = int(B.at[b, "scheme"])
        m = month_between(M0 + 14, Ml)
        n = int(np.ceil(floors3[sch] / (B.at[b, "base"] * 100))) + 4
        add_payout(w, b, m - n, m - 1, m, 2, -1)
        pl.pos("R04", f"P{person(b)}: back-pay of {n} months in {cal.month_str(m)}", key=("p", person(b)))
    for i in range(k):
        b = pool.take()
        sch = int(B.at[b, "scheme"])
        m = month_between(M0 + 4, Ml - 4)
        n = int(np.ceil(floors2[sch] / (B.at[b, "base"] * 100))) + 1
        for mm in (m, m + 4):
            add_payout(w, b, mm - n, mm - 1, mm, 2, -1)
        pl.pos("R05", f"P{person(b)}: two high months {cal.month_str(m)}, {cal.month_str(m + 4)}", key=("p", person(b)))
    if Ml - M0 >= 16:
        b = pool.take()
        sch = int(B.at[b, "scheme"])
        m = month_between(M0 + 2, Ml - 12)
        n = int(np.ceil(floors2[sch] / (B.at[b, "base"] * 100))) + 1
        for mm in (m, m + 12):
            add_payout(w, b, mm - n, mm - 1, mm, 2, -1)
        pl.near("R05", f"P{person(b)}: two high months 12 months apart", key=("p", person(b)))
    for i in range(k):
        b = pool.take()
        m = month_between(M0 + 2, Ml - 7)
        for mm in (m, m + 3, m + 6):
            add_payout(w, b, mm - 1, mm - 1, mm, 2, int(B.at[b, "base"] * 20))
        pl.pos("R12", f"P{person(b)}: 3 back-pays within 7 months", key=("p", person(b)))
    if Ml - M0 >= 15:
        b = pool.take()
        m = month_between(M0 + 2, Ml - 12)
        for mm in (m, m + 6, m + 12):
            add_payout(w, b, mm - 1, mm - 1, mm, 2, int(B.at[b, "base"] * 20))
        pl.near("R12", f"P{person(b)}: 3 back-pays spanning 13 months", key=("p", person(b)))
    pl.near("R04", "every July adjustment back-pay (调整补差) stays under the thresholds")
    # ---------------- R07 shared account / R28 holder mismatch
    for i in range(k):
        b1, b2 = pool.take(), pool.take()
        B.at[b2, "acct"] = int(B.at[b1, "acct"])
        a1 = int(B.at[b1, "acct"])
        if a1 < w.n_base_accounts and w.A0.at[a1, "holder_id"] is None \
                and P.at[person(b1), "name"] == P.at[person(b2), "name"]:
            # same name and no holder id: the payee would be indistinguishable from the holder (not R28)
            w.A0.at[a1, "holder_id"] = P.at[person(b1), "id_number"]
        pl.pos("R07", f"P{person(b1)} and P{person(b2)} share account of benefit {b1}", key=("acct", int(B.at[b1, "acct"])))
        pl.pos("R28", f"P{person(b2)}: paid into P{person(b1)}'s account", key=("p", person(b2)))
    for i in range(k):
        b = pool.take()
        p = person(b)
        g = int(P.at[p, "gender"])
        child_id = w.new_id(P.at[p, "county"], int(P.at[p, "birth"]) + 9000, g)
        holder_id = child_id if i % 2 == 0 else None
        hname = P.at[p, "name"][0] + ("军" if i % 3 else "敏")
        if hname == P.at[p, "name"]:
            hname = P.at[p, "name"][0] + "小" + hname[1:]
        a = new_account(w, hname, holder_id, w.first_day - 300)
        B.at[b, "acct"] = a
        pl.pos("R28", f"P{p}: account held by another person ({'id' if holder_id else 'name'} differs)", key=("p", p))
    for i in range(2):
        b = pool.take()
        p = person(b)
        raw = legacy_or_messy(P.at[p, "id_number"], 1 if i == 0 else 3)
        B.at[b, "acct"] = new_account(w, P.at[p, "name"], raw, w.first_day - 300)
        pl.near("R28", f"P{p}: holder id {raw!r} normalizes to the person's own id", key=("p", p))
    # ---------------- R08 manual determinations since 2019 (new benefits)
    for i in range(k):
        b0 = pool.take()
        nb2 = transfer(w, b0, month_between(M0 + 3, Ml - 3)) if B.at[b0, "scheme"] == 170 else None
        if nb2 is None:
            p = w.add_person(county=P.at[person(b0), "county"])
            nb2 = w.add_benefit(p, 170, month_between(M0 + 1, Ml - 2), float(rng.uniform(160, 400)),
                                acct=new_account(w, P.at[p, "name"], P.at[p, "id_number"], w.first_day))
        B.at[nb2, "det_manual"] = True
        pl.pos("R08", f"benefit {nb2}: manual determination since 2019")
    b0 = pool.take()
    if B.at[b0, "scheme"] == 170:
        transfer(w, b0, month_between(M0 + 3, Ml - 3))
        pl.near("R27", f"P{person(b0)}: 170->110 transfer (1407 then new 110), no overlap", key=("nid", person(b0)))
    # ---------------- R09 / R14 payout batch faults
    for i in range(k):
        b = pool.take()
        m = month_between(M0, Ml)
        w.overrides[(b, m)] = dict(reviewed=None) if i % 2 == 0 else dict(reviewed=f"U{P.at[person(b), 'county']}0{5 + (m // 12) % 2}")
        pl.pos("R09", f"P{person(b)}: payout of {cal.month_str(m)} unreviewed / self-reviewed")
        b = pool.take()
        m = month_between(M0, Ml)
        w.overrides[(b, m)] = dict(channel=2)
        pl.pos("R14", f"P{person(b)}: manual bank file payout in {cal.month_str(m)}")
    # ---------------- R10 imprisonment while paid
    for i in range(k):
        b = pool.take()
        p = person(b)
        s = int(rng.integers(w.first_day + 40, w.asof_day - 120))
        end = s + int(rng.integers(120, 500))
        if i == 0 and len(w.batch_days) > 1:
            s = int(w.batch_days[0]) - 100
            end = int(rng.integers(w.batch_days[0] + 5, w.asof_day - 5))
        w.jail.append(dict(p=p, type="1", start=s, end=end, variant=i % 4))
        pl.pos("R10", f"P{p}: in custody {cal.num_day(s)}..{cal.num_day(end)}, still paid", key=("p", p))
    b = pool.take()
    s = int(rng.integers(w.first_day + 40, w.asof_day - 120))
    w.jail.append(dict(p=person(b), type="2", start=s, end=s + 365, variant=1))
    pl.near("R10", f"P{person(b)}: probation (sentence type 2), still paid", key=("p", person(b)))
    # ---------------- R11 failed payouts never verified
    for i in range(k):
        b = pool.take()
        m = month_between(M0, Ml - 3)
        w.overrides[(b, m)] = dict(status=2)
        pl.pos("R11", f"P{person(b)}: failed payout {cal.month_str(m)} never re-issued", key=("payout", (b, m)))
    # ---------------- R17 certification
    two_years = cal.day_num(cal.add_months(w.as_of, -24))
    for i in range(k):
        b = pool.take()
        p = person(b)
        cut = cal.day_num(cal.add_months(w.as_of, -25))
        w.cert_rules[p] = dict(cut=cut)
        w.extra_certs.append(dict(p=p, day=cut, method=1, result=1))
        pl.pos("R17", f"P{p}: last passed certification 25 months before as_of", key=("p", p))
    b = pool.take()
    p = person(b)
    cut = cal.day_num(cal.add_months(w.as_of, -23))
    w.cert_rules[p] = dict(cut=cut)
    w.extra_certs.append(dict(p=p, day=cut, method=2, result=1))
    pl.near("R17", f"P{p}: certified 23 months ago", key=("p", p))
    p = w.add_person()
    w.cert_rules[p] = dict(none=True)
    w.add_benefit(p, 170, cal.mi(w.as_of) - 20, 230.0,
                  acct=new_account(w, P.at[p, "name"], P.at[p, "id_number"], two_years))
    pl.near("R17", f"P{p}: benefit started 20 months ago, never certified", key=("p", p))
    # ---------------- R19 social-service certification not reviewed
    for i in range(k):
        b = pool.take()
        p = person(b)
        ag = P.at[p, "county"]
        w.extra_certs.append(dict(p=p, day=int(rng.integers(w.asof_day - 500, w.asof_day - 5)), method=3, result=1,
                                  operator=f"U{ag}07", reviewer=None if i % 2 == 0 else f"U{ag}07"))
        pl.pos("R19", f"P{p}: 社会化服务认证 without independent review")
    # ---------------- R20 / R22 cards
    for i in range(k):
        b = pool.take()
        p = person(b)
        arr = w.asof_day - 200 - int(rng.integers(0, 300))
        w.card_rules[p] = dict(made=arr - 20, arrived=arr, distributed=NA, status=1, activated=NA, mode=NA)
        pl.pos("R20", f"P{p}: card arrived {cal.num_day(arr)}, never handed out")
        b = pool.take()
        p = person(b)
        w.card_rules[p] = dict(mode=3, activated=w.asof_day - 400)
        pl.pos("R22", f"P{p}: card activated without the holder present")
    b = pool.take()
    p = person(b)
    arr = cal.day_num(cal.add_months(w.as_of, -5))
    w.card_rules[p] = dict(made=arr - 20, arrived=arr, distributed=NA, status=1, activated=NA, mode=NA)
    pl.near("R20", f"P{p}: card arrived 5 months ago, undistributed")
    # ---------------- R21 extra: dead, processed, but card not cleared
    for i in range(max(1, k // 2)):
        b = pool.take()
        p = person(b)
        dm = month_between(M0 + 2, Ml - 3)
        death = cal.day_num(cal.mi_date(dm, 20))
        B.at[b, "pay_to"] = dm
        status_change(w, b, "1", "4", "1401", w.work_ts(np.array([death + 10]))[0])
        death_record(w, p, death, death + 5, 2)
        P.at[p, "dead_day"] = death
        w.card_rules[p] = dict(status=1)
        pl.pos("R21", f"P{p}: death processed but card not cancelled")
    # ---------------- R23 high-risk ops without review
    for i in range(k):
        b = pool.take()
        c = int(rng.integers(w.first_day + 60, w.asof_day - 30))
        bank_change(w, b, c, reviewer=None)
        pl.pos("R23", f"P{person(b)}: bank change without review")
    # ---------------- R27 duplicate receipt
    for i in range(k):
        b = pool.take()
        p = person(b)
        other = [c for c in AGENCY_CODES[1:] if c != P.at[p, "county"]]
        p2 = w.add_person(like=p, county=other[i % len(other)], enrolled=w.first_day + 30)
        share = i % 2 == 1
        acct = int(B.at[b, "acct"]) if share else new_account(w, P.at[p, "name"], P.at[p, "id_number"], w.first_day)
        w.add_benefit(p2, 170, month_between(M0 + 1, Ml - 3), float(rng.uniform(150, 300)), acct=acct)
        pl.pos("R27", f"P{p} & P{p2}: same id enrolled twice{' sharing one account (not R07)' if share else ''}", key=("nid", p))
        if share:
            pl.near("R07", f"P{p} & P{p2}: one id, two person records, one account", key=("acct", acct))
    # ---------------- R06 / R23 operation batches (targets: reserved benefits)
    targets = [pool.take() for _ in range(6)]
    wk, hol = cal.special_days(dt.date(2019, 1, 1), w.as_of)
    w.op_batches = []

    def op_batch(ag: str, day: int, sec: int, n_high: int, n_other: int, tag: str) -> None:
        bid = f"OB{cal.num_day(day):%Y%m%d}{AGENCY_CODES.index(ag):02d}9{len(w.op_batches):03d}"
        ts0 = day * DAY + sec
        for j in range(n_high):
            b = targets[j % len(targets)]
            w.extra_ops.append(dict(user=f"U{ag}01", op="AMOUNT_ADJUST", p=person(b), target=("B", b), batch=bid,
                                    ts=ts0 + 20 * j, reviewer=f"U{ag}04"))
        for j in range(n_other):
            w.extra_ops.append(dict(user=f"U{ag}01", op="LOGIN", p=None, target=None, batch=bid,
                                    ts=ts0 + 20 * (n_high + j) + 1, reviewer=None))
        w.op_batches.append((bid, tag))

    for i in range(k):
        ag = AGENCY_CODES[i % 8]
        d = int(w.next_wd(np.array([w.asof_day - 30 - 7 * i]))[0])
        if i % 3 == 2 and hol is not None:
            op_batch(ag, cal.day_num(hol), 10 * 3600, 6, 0, "holiday")
            pl.pos("R06", f"{ag}: 6 adjustments on holiday {hol}")
        elif i % 3 == 1:
            op_batch(ag, d, 18 * 3600, 5, 0, "18:00")
            pl.pos("R06", f"{ag}: 5 adjustments starting 18:00:00")
        else:
            op_batch(ag, d, 22 * 3600 + 1800, 7, 0, "night")
            pl.pos("R06", f"{ag}: 7 adjustments at 22:30")
    if wk is not None:
        op_batch("340403", cal.day_num(wk), 10 * 3600, 6, 0, "调休")
        pl.near("R06", f"6 adjustments on 调休 working day {wk}")
    d = int(w.next_wd(np.array([w.asof_day - 45]))[0])
    op_batch("340404", d, 23 * 3600, 4, 3, "4 only")
    pl.near("R06", "off-hours batch with only 4 high-risk operations")
    op_batch("340402", d, 8 * 3600, 6, 0, "08:00")
    pl.near("R06", "batch starting 08:00:00 on a working day")
    for i in range(k):
        ag = AGENCY_CODES[(i + 3) % 8]
        b = targets[i % len(targets)]
        w.extra_ops.append(dict(user=f"U{ag}01", op="AMOUNT_ADJUST", p=person(b), target=("B", b), batch=None,
                                ts=int(w.work_ts(np.array([w.asof_day - 60 - i]))[0]), reviewer=f"U{ag}01"))
        pl.pos("R23", f"{ag}: single adjustment reviewed by its own operator")
    # ---------------- users: R13 R16 R24 R25 R26
    users_plants(w)
    # ---------------- reconciliations get their faults later (R15)
    w.recon_faults = k
    # ---------------- corrections re-delivered in the last batch ("later batch wins")
    nbatch = len(w.batch_days)
    if nbatch >= 2:
        early = [m for m in range(M0, Ml + 1) if int(w.batch_of(np.array([w.payday[m]]))[0]) <= nbatch - 2]
        m = early[-1]
        b = pool.take()
        w.pay_corr.append(dict(b=b, m=m, cb=nbatch - 1, first=dict(status0=2)))
        pl.near("R11", f"P{person(b)}: payout {cal.month_str(m)} first delivered failed, corrected to paid later",
                key=("payout", (b, m)))
        b = pool.take()
        w.pay_corr.append(dict(b=b, m=m, cb=nbatch - 1, first=dict(cents0=40)))  # factor on the amount
        pl.near("R04", f"P{person(b)}: payout {cal.month_str(m)} first delivered with 40x its amount, corrected "
                       f"later", key=("p", person(b)))
    # ---------------- data-quality: invalid person id, orphan payout
    b = pool.take()
    p = person(b)
    P.at[p, "id_bad"] = True
    a = int(B.at[b, "acct"])
    if a < w.n_base_accounts:
        w.A0.at[a, "holder_id"] = None
    w.bad_id_person = p
    w.extra_certs.append(dict(p=person(targets[0]), day=w.first_day + 10, method=1, result=1, exc="rejected",
                              raw_day="2019-02-30"))
    w.extra_certs.append(dict(p=person(targets[1]), day=w.first_day + 12, method=1, result=1, exc="rejected",
                              raw_method="7"))


def users_plants(w: World) -> None:
    pl = w.plants
    start = cal.day_num(dt.date(2016, 3, 1))
    n = max(1, min(8, w.k))
    for i in range(n):
        ag = AGENCY_CODES[i % 8]
        u = w._add_user(ag, "20", None, start + i)
        w.roles += [(u, "BEN_ENTRY", start + i, NA), (u, "BEN_REVIEW", start + 40, NA)]
        pl.pos("R13", f"{u}: BEN_ENTRY + BEN_REVIEW")
        u = w._add_user(ag, "21", None, start + i)
        w.roles += [(u, "FIN_ACCOUNTANT", start + i, NA), (u, "FIN_CASHIER", w.first_day + 100, NA)]
        pl.pos("R16", f"{u}: accountant and cashier")
        u = w._add_user(ag, "22", None, start + i)
        w.roles += [(u, "SYS_ADMIN", start + i, NA), (u, "SEC_ADMIN", w.first_day + 200, NA)]
        pl.pos("R25", f"{u}: SYS_ADMIN + SEC_ADMIN")
        u = w._add_user(ag, "23", None, start + i, login="3")
        w.roles += [(u, "INSPECT", start + i, NA)]
        pl.pos("R26", f"{u}: username/password login")
        left = w.asof_day - 100 - 10 * i
        u = w._add_user(ag, "24", None, start + i, roster="离职", left=left)
        w.roles += [(u, "BEN_ENTRY", start + i, left)]
        pl.pos("R24", f"{u}: left {cal.num_day(left)}, account still active")
        u = w._add_user(ag, "25", None, start + i, roster="调离", left=left, status="0", disabled=left + 20)
        w.roles += [(u, "BEN_ENTRY", start + i, left)]
        w.extra_ops.append(dict(user=u, op="LOGIN", p=None, target=None, batch=None, ts=(left + 3) * DAY + 9 * 3600,
                                reviewer=None))
        pl.pos("R24", f"{u}: disabled late, logged in after leaving")
    ag = "340403"
    left = w.asof_day - 150
    u = w._add_user(ag, "26", None, start, roster="退休", left=left, status="0", disabled=left, login="3")
    w.roles += [(u, "PAY", start, left), (u, "CERT", start, left)]
    w.extra_ops.append(dict(user=u, op="LOGIN", p=None, target=None, batch=None, ts=left * DAY + 9 * 3600,
                            reviewer=None))
    pl.near("R24", f"{u}: retired, disabled on time, last login on the leaving day")
    pl.near("R26", f"{u}: disabled account with password login")
    u = w._add_user(ag, "27", None, start)
    w.roles += [(u, "PAY", start, NA), (u, "CERT", start, w.asof_day - 10)]
    pl.near("R13", f"{u}: PAY + CERT, CERT revoked before as_of")
    u = w._add_user("340400", "30", None, start, in_roster=False)
    w.roles += [(u, "INSPECT", start, NA)]
    w.user_not_in_roster = u


def suspects(w: World) -> None:
    rng, P = w.rng, w.P
    rows = []
    n = max(2, w.k)
    kinds = ("死亡冒领", "服刑人员领取", "重复领取", "其他")
    for i in range(n + 2):
        p = int(rng.integers(0, w.n0))
        days_ago = 3 + 10 * i if i < 2 else int(rng.integers(31, 330))
        day = w.asof_day - days_ago
        issuer = "人社部" if i % 2 else "省人社厅"
        rows.append(dict(day=day, issuer=issuer, kind=kinds[i % 4],
                         id_number=legacy_or_messy(P.at[p, "id_number"], i % 4), name=P.at[p, "name"],
                         county=P.at[p, "county"],
                         desc=f"{issuer}{cal.num_day(day):%Y年%m月}下发数据比对疑点"))
        if i < 2:
            w.plants.near("R29", f"suspect issued {days_ago} days before as_of (still within 30 days)")
        else:
            w.plants.pos("R29", f"suspect issued {days_ago} days before as_of, no conclusion")
    rows.sort(key=lambda r: r["day"])
    for j, r in enumerate(rows):
        r["suspect_id"] = f"YD{cal.num_day(r['day']):%Y%m%d}{j + 1:04d}"
    w.SUS = rows
