"""Background life of the world: accounts, deaths, suspensions, prison, transfers, bank changes,
failed payouts, certifications, cards, payouts, operations and reconciliations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pension_risk.contract import AGENCY_CODES
from pension_risk.generate import cal, fmt
from pension_risk.generate import refdata as R
from pension_risk.generate.world import DAY, NA, World, legacy_or_messy

AG_INDEX = {ag: i for i, ag in enumerate(AGENCY_CODES)}


def new_account(w: World, holder_name: str | None, holder_id: str | None, opened: int, bank: int | None = None) -> int:
    if bank is None:
        bank = int(w.rng.choice(6, p=np.array(R.BANK_WEIGHTS)))
    w.accounts.append(dict(bank=bank, holder_name=holder_name, holder_id=holder_id, opened=opened))
    return w.n_base_accounts + len(w.accounts) - 1


def accounts(w: World) -> None:
    rng, B, P = w.rng, w.B, w.P
    persons = B["person"].to_numpy()
    n = len(persons)
    bank = rng.choice(6, size=n, p=np.array(R.BANK_WEIGHTS))
    holder_id = P["id_number"].to_numpy()[persons].copy()
    holder_id[rng.random(n) < 0.15] = None
    start_day = B["det_day"].to_numpy()
    opened = start_day - rng.integers(10, 2000, size=n)
    w.A0 = pd.DataFrame(dict(bank=bank, holder_name=P["name"].to_numpy()[persons], holder_id=holder_id,
                             opened=opened))
    w.n_base_accounts = n
    B["acct"] = np.arange(n)


def status_change(w: World, b: int, frm: str, to: str, reason: str, ts: int, operator: str | None = None,
                  reviewer: str | None = "default", batch: str | None = None, op: bool = True) -> None:
    ag = w.P.at[int(w.B.at[b, "person"]), "county"]
    operator = operator or w.uid(ag, "01")
    if reviewer == "default":
        reviewer = w.uid(ag, "03")
    w.changes.append(dict(b=b, frm=frm, to=to, reason=reason, ts=int(ts), operator=operator, reviewer=reviewer,
                          batch=batch, op=op))


def add_payout(w: World, b: int, pf: int, pt: int, pm: int, ptype: int, cents: int, status: int = 1,
               channel: int = 1, reviewed: str | None = "default", acct: int | None = None,
               op_reviewer: str | None = "default", op_user: str | None = None, paid_day: int | None = None,
               correction: tuple[int, int] | None = None) -> int:
    w.extra_pay.append(dict(b=b, pf=pf, pt=pt, pm=pm, ptype=ptype, cents=int(cents), status=status, channel=channel,
                            reviewed=reviewed, acct=acct, op_reviewer=op_reviewer, op_user=op_user,
                            paid=paid_day if paid_day is not None else w.payday[pm], correction=correction))
    return len(w.extra_pay) - 1


def clean_pool(w: World) -> np.ndarray:
    """Benefits of living persons with a single benefit, started before 2019, no event yet."""
    B = w.B
    counts = np.bincount(B["person"].to_numpy(), minlength=len(w.P))
    ok = ((B["start"].to_numpy() < w.M0) & (~B["reserved"].to_numpy())
          & (counts[B["person"].to_numpy()] == 1) & (B["pay_to"].to_numpy() == w.Mlast)
          & (B["gap_from"].to_numpy() == NA) & (B["acct_old"].to_numpy() == NA))
    return np.flatnonzero(ok)


def background(w: World) -> None:
    rng, B, P = w.rng, w.B, w.P
    nb = len(B)
    persons = B["person"].to_numpy()
    start_day = np.array([cal.day_num(cal.mi_date(int(s))) for s in B["start"].to_numpy()]) if nb else np.array([])
    county = P["county"].to_numpy()
    ids = P["id_number"].to_numpy()
    names = P["name"].to_numpy()
    used = np.zeros(nb, dtype=bool)
    # ---- deaths (about 1.5% a year), processed correctly
    span = w.asof_day - 45 - w.first_day
    nd = int(nb * 0.015 * span / 365)
    cand = rng.permutation(nb)[:nd]
    for b in cand.tolist():
        lo = max(start_day[b] + 40, w.first_day + 5)
        hi = w.asof_day - 45
        if lo >= hi:
            continue
        death = int(rng.integers(lo, hi))
        dm = cal.mi(cal.num_day(death))
        if dm < B.at[b, "pay_from"]:
            continue
        used[b] = True
        received = death + int(rng.integers(2, 25))
        term_ts = w.work_ts(np.array([received + int(rng.integers(1, 15))]))[0]
        term_day = term_ts // DAY
        p = int(persons[b])
        B.at[b, "pay_to"] = dm if term_day >= w.payday[dm] else dm - 1
        status_change(w, b, "1", "4", "1401", term_ts)
        P.at[p, "dead_day"] = death
        death_record(w, p, death, received, int(rng.integers(1, 5)), variant=int(rng.choice(4, p=[.8, .08, .06, .06])))
        if rng.random() < 0.35:
            r2 = received + int(rng.integers(0, 30))
            if r2 <= w.asof_day:
                death_record(w, p, death + int(rng.integers(0, 3)), r2, int(rng.integers(1, 5)), variant=0)
    # ---- suspensions for missing certification, resumed with a back-pay
    free = np.flatnonzero(~used)
    ns = int(len(free) * 0.015)
    for b in rng.permutation(free)[:ns].tolist():
        lo, hi = int(B.at[b, "pay_from"]) + 2, w.Mlast - 3
        if lo >= hi:
            continue
        g0 = int(rng.integers(lo, hi))
        ln = 1 if B.at[b, "scheme"] != 170 else int(rng.integers(1, 3))
        g1 = g0 + ln - 1
        used[b] = True
        B.at[b, "gap_from"], B.at[b, "gap_to"] = g0, g1
        s_ts = w.work_ts(np.array([cal.day_num(cal.mi_date(g0, int(rng.integers(1, 6))))]))[0]
        status_change(w, b, "1", "2", "1201", s_ts)
        r_ts = w.work_ts(np.array([cal.day_num(cal.mi_date(g1 + 1, int(rng.integers(1, 6))))]))[0]
        status_change(w, b, "2", "1", "2101", r_ts)
        p = int(persons[b])
        w.extra_certs.append(dict(p=p, day=int(r_ts // DAY), method=4, result=1))
        add_payout(w, b, g0, g1, g1 + 1, 2, -1)  # amount filled when amounts are known
    # ---- imprisonment, handled correctly (suspended, resumed after release, no back-pay)
    free = np.flatnonzero(~used)
    nj = max(1, int(len(free) * 0.0015))
    for b in rng.permutation(free)[:nj].tolist():
        p = int(persons[b])
        lo = max(int(cal.day_num(cal.mi_date(int(B.at[b, "pay_from"]) + 1))), w.first_day + 31)
        hi = w.asof_day - 90
        if lo >= hi:
            continue
        s = int(rng.integers(lo, hi))
        sd = cal.num_day(s)
        if sd.day > 15:
            s -= sd.day - 15
        used[b] = True
        rel = s + int(rng.integers(180, 900))
        sm = cal.mi(cal.num_day(s))
        susp_ts = w.work_ts(np.array([s + int(rng.integers(3, 9))]))[0]
        status_change(w, b, "1", "2", "1202", susp_ts)
        gap_to = w.Mlast
        if rel <= w.asof_day - 20:
            res_ts = w.work_ts(np.array([rel + int(rng.integers(3, 12))]))[0]
            if res_ts // DAY <= w.asof_day:
                status_change(w, b, "2", "1", "2102", res_ts)
                rm = cal.mi(cal.num_day(int(res_ts // DAY)))
                gap_to = max(cal.mi(cal.num_day(rel)), rm - 1 if res_ts // DAY < w.payday[rm] else rm)
        B.at[b, "gap_from"], B.at[b, "gap_to"] = sm + 1, min(gap_to, w.Mlast)
        w.jail.append(dict(p=p, type="1", start=s, end=rel, variant=int(rng.choice(4, p=[.7, .15, .1, .05]))))
    # other sentences (probation, parole...) without consequence
    for b in rng.permutation(np.flatnonzero(~used))[:max(1, nj // 2)].tolist():
        used[b] = True
        s = int(rng.integers(w.first_day + 31, w.asof_day - 60))
        w.jail.append(dict(p=int(persons[b]), type=str(int(rng.integers(2, 5))), start=s,
                           end=s + int(rng.integers(200, 700)), variant=0))
    # ---- transfers 城乡居民 -> 企业职工 (1407 then a new 110 benefit)
    sch = B["scheme"].to_numpy()
    free = np.flatnonzero((~used) & (sch == 170) & (B["start"].to_numpy() < w.M0))
    for b in rng.permutation(free)[:max(1, int(len(free) * 0.003))].tolist():
        used[b] = True
        transfer(w, b, int(rng.integers(w.M0 + 3, w.Mlast - 3)))
    # ---- bank changes
    free = np.flatnonzero(~used)
    for b in rng.permutation(free)[:int(len(free) * 0.01)].tolist():
        lo = max(w.first_day + 60, int(B.at[b, "det_day"]) + 60)
        if lo >= w.asof_day - 30:
            continue
        used[b] = True
        c = int(rng.integers(lo, w.asof_day - 30))
        bank_change(w, b, c)
    # ---- failed payouts, re-issued next month as a back-pay
    free = np.flatnonzero(~used)
    for b in rng.permutation(free)[:max(1, int(len(free) * 0.006))].tolist():
        lo, hi = int(B.at[b, "pay_from"]), w.Mlast - 2
        if lo >= hi:
            continue
        used[b] = True
        m = int(rng.integers(lo, hi))
        w.overrides[(b, m)] = dict(status=2)
        add_payout(w, b, m, m, m + 1, 2, -1)
    # recent failures (last pay month, not yet re-issued: not R11)
    for b in rng.permutation(np.flatnonzero(~used))[:max(1, int(nb * 0.0005))].tolist():
        used[b] = True
        w.overrides[(b, w.Mlast)] = dict(status=2)
        w.plants.near("R11", f"{b}: failed payout in the last month, not yet 60 days old", key=("payout", (b, w.Mlast)))
    # ---- manual determinations before 2019 (not R08) and a few recent system ones
    old = np.flatnonzero(B["det_day"].to_numpy() < w.first_day - 30)
    for b in rng.permutation(old)[:max(1, w.k // 2)].tolist():
        B.at[b, "det_manual"] = True
        w.plants.near("R08", f"benefit {b} determined by hand before 2019")
    w.bg_used = used


def death_record(w: World, p: int, death: int, received: int, source: int, variant: int = 0,
                 id_number: str | None = None, name: str | None = None) -> None:
    ids = id_number if id_number is not None else legacy_or_messy(w.P.at[p, "id_number"], variant)
    w.deaths.append(dict(id_number=ids, name=name or w.P.at[p, "name"], death=death, received=received,
                         source=source))


def transfer(w: World, b: int, x: int) -> int:
    B = w.B
    rng = w.rng
    B.at[b, "pay_to"] = x
    ts = w.work_ts(np.array([w.payday[x] + int(rng.integers(3, 12))]))[0]
    status_change(w, b, "1", "4", "1407", ts)
    p = int(B.at[b, "person"])
    nb2 = w.add_benefit(p, 110, x + 1, float(rng.uniform(2000, 3500)), acct=int(B.at[b, "acct"]))
    B.at[nb2, "det_day"] = int(ts // DAY) - int(rng.integers(0, 5))
    return nb2


def bank_change(w: World, b: int, c: int, reviewer: str | None = "default") -> None:
    B, P = w.B, w.P
    p = int(B.at[b, "person"])
    hid = P.at[p, "id_number"] if w.rng.random() < 0.85 else None
    new = new_account(w, P.at[p, "name"], hid, c - int(w.rng.integers(0, 10)))
    B.at[b, "acct_old"] = B.at[b, "acct"]
    B.at[b, "acct"] = new
    B.at[b, "acct_change"] = c
    ag = P.at[p, "county"]
    if reviewer == "default":
        reviewer = w.uid(ag, "03")
    w.extra_ops.append(dict(user=w.uid(ag, "01"), op="BANK_CHANGE", p=p, target=("B", b), batch=None,
                            ts=int(w.work_ts(np.array([c]))[0]), reviewer=reviewer))


# ---------------------------------------------------------------------- certifications
def certifications(w: World) -> None:
    rng, B, P = w.rng, w.B, w.P
    persons = np.unique(B["person"].to_numpy())
    first_start = B.groupby("person")["start"].min().reindex(persons).to_numpy()
    start_day = np.array([cal.day_num(cal.mi_date(int(s))) for s in first_start])
    dead = P["dead_day"].to_numpy()[persons]
    rows_p, rows_d = [], []
    for y in range(w.as_of.year - 3, w.as_of.year + 1):
        d = cal.day_num(dt.date(y, 1, 1)) + rng.integers(0, 365, size=len(persons))
        ok = (d >= start_day + 20) & (d <= w.asof_day) & ((dead == NA) | (d < dead - 5))
        rows_p.append(persons[ok])
        rows_d.append(d[ok])
    cp = np.concatenate(rows_p)
    cd = np.concatenate(rows_d)
    # rules for planted persons: cut certifications after a day, add explicit ones
    if w.cert_rules:
        keep = np.ones(len(cp), dtype=bool)
        for p, rule in w.cert_rules.items():
            sel = cp == p
            keep[sel & (cd > rule.get("cut", 10**9))] = False
            if rule.get("none"):
                keep[sel] = False
        cp, cd = cp[keep], cd[keep]
    method = rng.choice([1, 2, 3, 4, 5], size=len(cp), p=[.45, .25, .1, .1, .1])
    result = np.where(rng.random(len(cp)) < 0.985, 1, 0)
    extra = pd.DataFrame(w.extra_certs) if w.extra_certs else pd.DataFrame(columns=["p", "day", "method", "result"])
    C = pd.DataFrame(dict(p=cp, day=cd, method=method, result=result))
    C = pd.concat([C, extra[["p", "day", "method", "result"]]], ignore_index=True)
    if "operator" in extra:
        C["operator"] = [None] * (len(C) - len(extra)) + list(extra["operator"])
        C["reviewer"] = [None] * (len(C) - len(extra)) + list(extra["reviewer"])
        C["exc"] = [""] * (len(C) - len(extra)) + list(extra.get("exc", pd.Series([""] * len(extra))).fillna(""))
        C["raw_day"] = [None] * (len(C) - len(extra)) + list(extra.get("raw_day", pd.Series([None] * len(extra))))
        C["raw_method"] = [None] * (len(C) - len(extra)) + list(extra.get("raw_method", pd.Series([None] * len(extra))))
    else:
        C["operator"] = None
        C["reviewer"] = None
        C["exc"] = ""
        C["raw_day"] = None
        C["raw_method"] = None
    C = C.astype({"p": np.int64, "day": np.int64, "method": np.int64, "result": np.int64})
    county = P["county"].to_numpy()[C["p"].to_numpy()]
    need_op = np.isin(C["method"].to_numpy(), [3, 4]) & C["operator"].isna().to_numpy()
    op_u = np.array([f"U{c}07" for c in AGENCY_CODES], dtype=object)
    rv_u = np.array([f"U{c}08" for c in AGENCY_CODES], dtype=object)
    ci = np.array([AG_INDEX[c] for c in county]) if len(county) else np.array([], dtype=int)
    # all-null columns come out as float at small N; keep them text so user ids fit
    C["operator"] = C["operator"].astype(object)
    C["reviewer"] = C["reviewer"].astype(object)
    C.loc[need_op, "operator"] = op_u[ci[need_op]]
    C.loc[need_op, "reviewer"] = rv_u[ci[need_op]]
    C.loc[C["operator"] == "", "operator"] = None
    C.loc[C["reviewer"] == "", "reviewer"] = None
    C = C.sort_values(["day", "p", "method"], kind="stable").reset_index(drop=True)
    C["cert_id"] = fmt.obj(fmt.pad(np.arange(1, len(C) + 1), 9, "RZ"))
    w.C = C


# ---------------------------------------------------------------------- cards
def cards(w: World) -> None:
    rng, P = w.rng, w.P
    n = len(P)
    has = rng.random(n) < 0.93
    idx = np.flatnonzero(has)
    m = len(idx)
    made = rng.integers(cal.day_num(dt.date(2012, 1, 1)), w.asof_day - 90, size=m)
    arrived = made + rng.integers(10, 40, size=m)
    distributed = arrived + rng.integers(5, 60, size=m)
    status = np.ones(m, dtype=np.int64)
    undist = rng.random(m) < 0.03
    distributed[undist] = NA
    recent = arrived > w.asof_day - 150
    status[undist & ~recent] = 4
    lost = (rng.random(m) < 0.01) & ~undist
    status[lost] = 2
    activated = np.where(undist, NA, distributed + rng.integers(0, 100, size=m))
    activated = np.where(activated > w.asof_day, NA, activated)
    mode = rng.choice([1, 2], size=m, p=[0.62, 0.38])
    noact = (rng.random(m) < 0.1) | (activated == NA)
    activated[noact] = NA
    mode = np.where(noact, NA, mode)
    dead = P["dead_day"].to_numpy()[idx] != NA
    status[dead] = 3
    K = pd.DataFrame(dict(p=idx, made=made, arrived=arrived, distributed=distributed, status=status,
                          activated=activated, mode=mode))
    for p, rule in w.card_rules.items():
        sel = K["p"] == p
        if not sel.any():
            row = dict(p=p, made=w.asof_day - 400, arrived=w.asof_day - 380, distributed=w.asof_day - 370,
                       status=1, activated=w.asof_day - 360, mode=1)
            K.loc[len(K)] = row
            sel = K["p"] == p
        for col, val in rule.items():
            K.loc[sel, col] = val
    K = K.sort_values("p", kind="stable").reset_index(drop=True)
    letters = np.array(list("ABCD"), dtype=object)[rng.integers(0, 4, size=len(K))]
    K["card_no"] = letters + fmt.obj(fmt.pad(30000000 + np.arange(1, len(K) + 1) * 7, 8))
    w.K = K


# ---------------------------------------------------------------------- payouts
PAY_COLS = ("no", "b", "p", "pf", "pt", "pm", "ptype", "cents", "acct", "channel", "pb", "status", "status0", "cents0", "cb",
            "created", "reviewed", "paid", "exc")


def payouts(w: World) -> None:
    """Monthly chunks of numeric payout rows (regular + extra)."""
    B, P, rng = w.B, w.P, w.rng
    nb = len(B)
    b_person = B["person"].to_numpy().astype(np.int64)
    b_county = np.array([AG_INDEX[c] for c in P["county"].to_numpy()[b_person]], dtype=np.int64)
    pay_from = B["pay_from"].to_numpy().astype(np.int64)
    pay_to = B["pay_to"].to_numpy().astype(np.int64)
    g0 = B["gap_from"].to_numpy().astype(np.int64)
    g1 = B["gap_to"].to_numpy().astype(np.int64)
    acct = B["acct"].to_numpy().astype(np.int64)
    acct_old = B["acct_old"].to_numpy().astype(np.int64)
    acct_change = B["acct_change"].to_numpy().astype(np.int64)
    acct_bank = np.concatenate([w.A0["bank"].to_numpy(), np.array([a["bank"] for a in w.accounts], dtype=np.int64)])
    # users: index = position in w.users
    uidx = {u["user_id"]: i for i, u in enumerate(w.users)}
    pay_user = np.array([[uidx[f"U{ag}05"], uidx[f"U{ag}06"]] for ag in AGENCY_CODES])
    rev_user = np.array([uidx[f"U{ag}04"] for ag in AGENCY_CODES])
    w.uidx = uidx
    # finalize extra payouts (amounts of back-pays)
    E = pd.DataFrame(w.extra_pay)
    if len(E):
        fill = E["cents"].to_numpy() < 0
        for i in np.flatnonzero(fill & (E["ptype"].to_numpy() == 2)):
            b, pf, pt = int(E.at[i, "b"]), int(E.at[i, "pf"]), int(E.at[i, "pt"])
            E.at[i, "cents"] = int(w.amount_at(np.full(pt - pf + 1, b), np.arange(pf, pt + 1)).sum())
    # annual adjustment back-pays (调整补差), type 3, covering Jan..Jun
    adj_rows = []
    for s, jm in enumerate(w.adj_months, start=1):
        y0 = jm - 6
        ok = (pay_from <= jm - 1) & (pay_to >= jm) & ~((g0 != NA) & (g0 <= jm) & (g1 >= y0))
        bs = np.flatnonzero(ok)
        pf = np.maximum(pay_from[bs], y0)
        n = jm - pf
        diff = w.amt[bs, s] - w.amt[bs, s - 1]
        adj_rows.append(pd.DataFrame(dict(b=bs, pf=pf, pt=np.full(len(bs), jm - 1), pm=jm, ptype=3,
                                          cents=diff * n, status=1, channel=1, reviewed="default", acct=-1,
                                          op_reviewer="default", op_user=None, paid=w.payday[jm], correction=None)))
    X = pd.concat([E] + adj_rows, ignore_index=True) if len(E) or adj_rows else E
    X["b"] = X["b"].astype(np.int64)
    w.adjust_rows = pd.concat(adj_rows, ignore_index=True) if adj_rows else None
    # per extra row, vectorised: reviewer code (-2 = the agency's default reviewer), forced account (-1 = none)
    nX = len(X)
    x_rev = np.full(nX, -2, dtype=np.int64)
    x_acct = np.full(nX, -1, dtype=np.int64)
    x_corr: dict[int, object] = {}
    if nX:
        for i, r in enumerate(X["reviewed"].tolist()):
            if r is None:
                x_rev[i] = NA
            elif r != "default":
                x_rev[i] = uidx[r]
        for i, v in enumerate(X["acct"].tolist()):
            if not (v is None or (isinstance(v, float) and np.isnan(v))):
                x_acct[i] = int(v)
        for i, corr in enumerate(X["correction"].tolist()):
            if corr is not None and not (isinstance(corr, float) and np.isnan(corr)):
                x_corr[i] = corr
    x_pm = X["pm"].to_numpy().astype(np.int64) if nX else np.zeros(0, dtype=np.int64)
    x_order = np.argsort(x_pm, kind="stable")
    x_bounds = np.searchsorted(x_pm[x_order], np.arange(w.M0, w.Mlast + 2))
    ov_by_m: dict[int, list] = {}
    for (b, mm), ov in w.overrides.items():
        ov_by_m.setdefault(mm, []).append((b, ov))
    corr_by_m: dict[int, list] = {}
    for c in w.pay_corr:
        corr_by_m.setdefault(c["m"], []).append(c)
    chunks = []
    payout_orphans = getattr(w, "orphan_payouts", [])
    for m in range(w.M0, w.Mlast + 1):
        act = (pay_from <= m) & (pay_to >= m) & ~((g0 != NA) & (g0 <= m) & (g1 >= m))
        bs = np.flatnonzero(act)
        n = len(bs)
        paid = np.full(n, w.payday[m], dtype=np.int64)
        reg = dict(b=bs, pf=np.full(n, m), pt=np.full(n, m), pm=np.full(n, m), ptype=np.ones(n, dtype=np.int64),
                   cents=w.amt[bs, w.seg(m)], channel=np.ones(n, dtype=np.int64),
                   status=np.ones(n, dtype=np.int64), reviewed=rev_user[b_county[bs]], seq=np.zeros(n, dtype=np.int64),
                   paid=paid)
        df = pd.DataFrame(reg)
        xi_m = x_order[x_bounds[m - w.M0]:x_bounds[m - w.M0 + 1]]
        xs = X.iloc[xi_m] if len(xi_m) else X.iloc[:0]
        if len(xs):
            xb = xs["b"].to_numpy()
            rcode = x_rev[xi_m]
            rv = np.where(rcode == -2, rev_user[b_county[xb]], rcode).astype(np.int64)
            xd = pd.DataFrame(dict(b=xb, pf=xs["pf"].to_numpy(), pt=xs["pt"].to_numpy(), pm=m,
                                   ptype=xs["ptype"].to_numpy(), cents=xs["cents"].to_numpy(),
                                   channel=xs["channel"].to_numpy(), status=xs["status"].to_numpy(), reviewed=rv,
                                   seq=1, paid=xs["paid"].to_numpy(), xi=xs.index.to_numpy()))
            df = pd.concat([df, xd], ignore_index=True)
        if "xi" not in df:
            df["xi"] = -1
        df["xi"] = df["xi"].fillna(-1).astype(np.int64)
        # overrides on regular payouts (the regular rows come first, ordered by benefit)
        for b, ov in ov_by_m.get(m, ()):
            j = int(np.searchsorted(bs, b))
            sel = np.array([j], dtype=np.int64) if j < n and bs[j] == b else np.zeros(0, dtype=np.int64)
            for col, val in ov.items():
                if col == "reviewed":
                    val = NA if val is None else uidx[val]
                df.loc[sel, col] = val
        bb = df["b"].to_numpy()
        df["seq"] = df.groupby("b").cumcount().to_numpy() * (df["seq"].to_numpy() > 0) + df["seq"].to_numpy()
        # a back-pay in a month without a regular payout keeps seq 1
        df["p"] = b_person[bb]
        pd_ = df["paid"].to_numpy()
        use_old = (acct_old[bb] != NA) & (pd_ < acct_change[bb])
        a = np.where(use_old, acct_old[bb], acct[bb])
        if len(xs):
            xa = df["xi"].to_numpy()
            has_x = xa >= 0
            forced = x_acct[xa[has_x]]
            tmp = a[has_x]
            tmp[forced >= 0] = forced[forced >= 0]
            a[has_x] = tmp
        df["acct"] = a
        bank = acct_bank[a]
        df["pb"] = ((m * 8 + b_county[bb]) * 6 + bank)
        yr = (m // 12) % 2
        df["created"] = pay_user[b_county[bb], yr]
        df["status0"] = df["status"]
        df["cents0"] = df["cents"]
        df["cb"] = -1
        # corrections: the row is first delivered with `first` values (status0 / cents0) and re-delivered
        # with its final values (status / cents) in batch `cb` ("later batch wins")
        for c in corr_by_m.get(m, ()):
            sel = np.flatnonzero((df["b"].to_numpy() == c["b"]) & (df["seq"].to_numpy() == 0))
            assert len(sel) == 1, c
            for col, val in c["first"].items():
                if col == "cents0":
                    val = df["cents"].to_numpy()[sel] * val
                df.loc[sel, col] = val
            df.loc[sel, "cb"] = c["cb"]
        if x_corr:
            for xi in np.flatnonzero(df["xi"].to_numpy() >= 0):
                corr = x_corr.get(int(df.at[xi, "xi"]))
                if corr is not None:
                    df.at[xi, "status"] = corr[1]
        ym = (m // 12) * 100 + m % 12 + 1
        df["no"] = ym * 10**9 + bb * 100 + 100 + df["seq"].to_numpy()
        df = df.sort_values("no", kind="stable").reset_index(drop=True)
        chunks.append(_compact(df))
    w.pay_chunks = chunks
    w.pay_extra = X
    w.acct_bank = acct_bank
    w.n_orphan = len(payout_orphans)


# compact dtypes of the payout chunks (about 30 million rows at 1M persons): consumers cast to int64
# before any arithmetic that could leave int32
CHUNK_DTYPES = dict(no=np.int64, b=np.int32, p=np.int32, pf=np.int16, pt=np.int16, pm=np.int16, ptype=np.int8,
                    cents=np.int64, acct=np.int32, channel=np.int8, pb=np.int32, status=np.int8, status0=np.int8,
                    cents0=np.int64, cb=np.int8, created=np.int16, reviewed=np.int16, paid=np.int32, xi=np.int32)


def _compact(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for c, t in CHUNK_DTYPES.items():
        v = df[c].to_numpy()
        cv = v.astype(t)
        assert (cv == v).all(), c
        out[c] = cv
    return pd.DataFrame(out)


# ---------------------------------------------------------------------- operations
def operations(w: World) -> None:
    """Every business action's log row, plus logins and grants (numeric ts; targets as strings later)."""
    rng, B, P = w.rng, w.B, w.P
    rows = []  # dicts: user, op, p, target(kind, val), batch, ts, reviewer
    B["det_ts"] = np.nan
    county_of_b = P["county"].to_numpy()[B["person"].to_numpy()]
    # determinations since 2019
    det = B["det_day"].to_numpy()
    for b in np.flatnonzero(det >= w.first_day).tolist():
        ag = county_of_b[b]
        ts = int(w.work_ts(np.array([det[b]]))[0])
        rev = None if B.at[b, "det_manual"] and getattr(w, "det_no_review", set()) and b in w.det_no_review else w.uid(ag, "03")
        rows.append(dict(user=w.uid(ag, "01"), op="BENEFIT_DETERMINE", p=int(B.at[b, "person"]), target=("B", b),
                         batch=None, ts=ts, reviewer=rev))
        B.loc[b, "det_ts"] = ts
    w.ops_rows = rows + list(w.extra_ops)


def reconciliations(w: World) -> None:
    rng = w.rng
    rows = []
    for ai, ag in enumerate(AGENCY_CODES):
        bank_account = f"131{ai + 1:02d}{ag}01{ai + 7:05d}"
        for m in range(w.M0, cal.mi(w.as_of)):
            prep = cal.day_num(cal.mi_date(m + 1, 5))
            if prep > w.asof_day:
                continue
            bal = int(rng.integers(2_000_000_00, 90_000_000_00))
            rows.append(dict(recon_id=f"DZ{ag}{m // 12}{m % 12 + 1:02d}", county=ag, bank_account=bank_account,
                             m=m, book=bal, bank=bal, prepared_by=w.uid(ag, "10"), reviewed_by=w.uid(ag, "09"),
                             day=prep, exc=""))
    w.REC = pd.DataFrame(rows)


def finalize(w: World) -> None:
    pass
