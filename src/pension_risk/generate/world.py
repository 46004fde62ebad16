"""The synthetic 淮南 pension world: background population plus planted anomalies.

Everything is decided here as final state (tables of formatted strings, plus a numeric
payouts model); `writer.py` splits it into batches, `oracle.py` computes the truth.
Internal columns start with `_`: `_batch` (increment: index of the delivering batch),
`_exc` ('' | 'rejected' | 'reported'), `_from`/`_until` (snapshot validity, day numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pension_risk.contract import AGENCY_CODES
from pension_risk.generate import cal, fmt
from pension_risk.generate import refdata as R
from pension_risk.ids import check_char, to_legacy15

DAY = 86400
NA = -1


@dataclass
class Plants:
    """What was planted, for the report and the tests (rule -> list of descriptions)."""

    positives: dict[str, list[str]] = field(default_factory=dict)
    near_misses: dict[str, list[str]] = field(default_factory=dict)
    # machine-checkable subjects: rule -> [(kind, value)], kind 'p' person index, 'acct' account index,
    # 'payout' (benefit index, month) of a regular payout, 'nid' person index whose normalized id is the subject
    pos_keys: dict[str, list[tuple]] = field(default_factory=dict)
    near_keys: dict[str, list[tuple]] = field(default_factory=dict)

    def pos(self, rule: str, what: str, key: tuple | None = None) -> None:
        self.positives.setdefault(rule, []).append(what)
        if key is not None:
            self.pos_keys.setdefault(rule, []).append(key)

    def near(self, rule: str, what: str, key: tuple | None = None) -> None:
        self.near_misses.setdefault(rule, []).append(what)
        if key is not None:
            self.near_keys.setdefault(rule, []).append(key)


class World:
    def __init__(self, persons: int, seed: int, as_of: dt.date, batch_dates: list[dt.date]):
        self.n0 = persons
        self.rng = np.random.default_rng(seed)
        self.as_of = as_of
        self.batch_dates = batch_dates
        self.batch_days = np.array([cal.day_num(d) for d in batch_dates], dtype=np.int64)
        self.asof_day = cal.day_num(as_of)
        self.M0 = 2019 * 12
        self.first_day = cal.day_num(dt.date(2019, 1, 1))
        self.workdays = cal.workday_mask(self.first_day - 800, self.asof_day + 400)
        # pay day of every month: the 10th, moved to the next working day
        self.payday: dict[int, int] = {}
        for m in range(self.M0 - 30, cal.mi(as_of) + 2):
            self.payday[m] = cal.day_num(cal.next_workday(cal.mi_date(m, 10)))
        last = cal.mi(as_of)
        self.Mlast = last if self.payday[last] <= self.asof_day else last - 1
        if self.Mlast < self.M0 + 6:
            from pension_risk.errors import PensionRiskError
            raise PensionRiskError("as_of must be at least 2019-08-01 (payout history starts 2019-01)")
        # annual adjustments in July of every year with a July payout
        self.adj_months = [y * 12 + 6 for y in range(2019, self.Mlast // 12 + 1) if y * 12 + 6 <= self.Mlast]
        self.plants = Plants()
        total = max(1, min(round(16 * (persons / 3000) ** 0.5), persons // 150))
        self.k = total

    # ------------------------------------------------------------------ helpers
    def batch_of(self, days: np.ndarray) -> np.ndarray:
        """Index of the batch delivering something that happened on day `days` (clipped)."""
        b = np.searchsorted(self.batch_days, np.asarray(days, dtype=np.int64), side="left")
        return np.minimum(b, len(self.batch_days) - 1)

    def is_wd(self, days: np.ndarray) -> np.ndarray:
        return self.workdays[np.asarray(days, dtype=np.int64) - (self.first_day - 800)]

    def next_wd(self, days: np.ndarray) -> np.ndarray:
        d = np.asarray(days, dtype=np.int64).copy()
        for _ in range(12):
            bad = ~self.is_wd(d)
            if not bad.any():
                break
            d[bad] += 1
        return d

    def work_ts(self, days: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """A timestamp on the next working day at 08:30-17:30."""
        rng = rng or self.rng
        d = self.next_wd(days)
        return d * DAY + rng.integers(8 * 3600 + 1800, 17 * 3600 + 1800, size=len(d))

    def seg(self, m: np.ndarray | int) -> np.ndarray:
        return np.searchsorted(np.array(self.adj_months + [10**9]), np.asarray(m), side="right")

    # ------------------------------------------------------------------ build
    def build(self, progress=None) -> None:
        step = progress or (lambda msg: None)
        step("users")
        self._users()
        step("persons")
        self._persons()
        step("events")
        self._events()
        step("plants")
        self._plants()
        step("certifications and cards")
        self._certs()
        self._cards()
        step("payouts")
        self._payouts()
        step("operations")
        self._operations()
        self._recons()
        self._suspects()
        self._regions()
        self._finalize()

    # ------------------------------------------------------------------ users
    def _users(self) -> None:
        rng = self.rng
        rows = []
        roles = []
        self.user_slot: dict[tuple[str, str], str] = {}
        for ai, ag in enumerate(AGENCY_CODES):
            for slot, role in R.ROLE_SLOTS:
                uid = f"U{ag}{slot}"
                created = cal.day_num(dt.date(2008, 1, 1)) + int(rng.integers(0, 3600))
                rows.append(dict(user_id=uid, agency=ag, created=created, disabled=NA, status="1",
                                 login=str(1 + int(rng.random() < 0.35)), role=role, roster="在岗", left=NA,
                                 in_roster=True))
                roles.append((uid, role, created, NA))
                self.user_slot[(ag, slot)] = uid
        self.users = rows
        self.roles = roles

    def _add_user(self, ag: str, slot: str, role: str | None, created: int, **kw) -> str:
        uid = f"U{ag}{slot}"
        row = dict(user_id=uid, agency=ag, created=created, disabled=NA, status="1", login="1", role=role,
                   roster="在岗", left=NA, in_roster=True)
        row.update(kw)
        self.users.append(row)
        return uid

    def uid(self, ag: str, slot: str) -> str:
        return self.user_slot[(ag, slot)]

    # ------------------------------------------------------------------ persons and benefits
    def _persons(self) -> None:
        rng, n = self.rng, self.n0
        county_i = rng.choice(8, size=n, p=np.array(R.COUNTY_WEIGHTS) / sum(R.COUNTY_WEIGHTS))
        gender = np.where(rng.random(n) < 0.5, 1, 2)
        scheme = np.empty(n, dtype=np.int64)
        u = rng.random(n)
        for ci, ag in enumerate(AGENCY_CODES):
            mix = np.cumsum(R.SCHEME_MIX[ag])
            sel = county_i == ci
            scheme[sel] = np.select([u[sel] < mix[0], u[sel] < mix[1]], [170, 110], 120)
        # birth dates: age at 2019-01 between 45 and 95, skewed to 60-75
        age = np.clip(rng.gamma(6.0, 2.6, size=n) + 50, 45, 96)
        birth = cal.day_num(dt.date(2019, 1, 1)) - (age * 365.25).astype(np.int64)
        birth_m = np.array(pd.to_datetime(birth, unit="D").year * 12 + pd.to_datetime(birth, unit="D").month - 1)
        retire_age = np.where(scheme == 170, 60, np.where(gender == 1, 60, np.where(scheme == 120, 55, 50)))
        start = birth_m + retire_age * 12 + 1 + rng.integers(0, 3, size=n)
        start = np.maximum(start, np.where(scheme == 170, 2010 * 12 + rng.integers(0, 24, size=n), 1995 * 12))
        has_benefit = start <= self.Mlast - 1
        # ids
        addr = np.empty(n, dtype=np.int64)
        for ci, ag in enumerate(AGENCY_CODES):
            sel = np.flatnonzero(county_i == ci)
            codes = [int(c) for c, _ in R.BIRTH_CODES[ag]]
            w = np.array([p for _, p in R.BIRTH_CODES[ag]])
            addr[sel] = rng.choice(codes, size=len(sel), p=w / w.sum())
        seq = rng.integers(0, 500, size=n) * 2 + np.where(gender == 1, 1, 0)
        key = addr * 10**9 + (birth + 40000) * 1000 + seq
        for _ in range(50):
            _, first = np.unique(key, return_index=True)
            dup = np.ones(n, dtype=bool)
            dup[first] = False
            if not dup.any():
                break
            seq[dup] = rng.integers(0, 500, size=dup.sum()) * 2 + np.where(gender[dup] == 1, 1, 0)
            key = addr * 10**9 + (birth + 40000) * 1000 + seq
        self.used_keys = set(key.tolist())
        ids = fmt.id_numbers(addr, birth, seq)
        # names
        sur = np.array(R.SURNAMES, dtype=object)[np.minimum(rng.zipf(1.35, size=n) - 1, len(R.SURNAMES) - 1)]
        mc = np.array(R.MALE_CHARS, dtype=object)
        fc = np.array(R.FEMALE_CHARS, dtype=object)
        g1 = np.where(gender == 1, mc[rng.integers(0, len(mc), n)], fc[rng.integers(0, len(fc), n)])
        g2 = np.where(gender == 1, mc[rng.integers(0, len(mc), n)], fc[rng.integers(0, len(fc), n)])
        two = rng.random(n) < 0.7
        names = sur + g1 + np.where(two, g2, "")
        # regions
        self._region_tables()
        town = np.full(n, None, dtype=object)
        village = np.full(n, None, dtype=object)
        for ci, ag in enumerate(AGENCY_CODES):
            if ag == "340400":
                continue
            sel = np.flatnonzero(county_i == ci)
            vil = np.array(self.villages_by_county[ag], dtype=object)
            pick = vil[rng.integers(0, len(vil), size=len(sel))]
            village[sel] = pick
            town[sel] = np.array([v[:9] for v in pick], dtype=object) if len(pick) else pick
        nulltown = rng.random(n) < 0.02
        town[nulltown] = None
        village[nulltown] = None
        phone = fmt.obj(fmt.pad(rng.integers(0, 10**9, size=n), 9,
                                "")).astype(object)
        pre = np.array(["13", "15", "18", "17"], dtype=object)[rng.integers(0, 4, size=n)]
        phone = pre + phone
        phone[rng.random(n) < 0.3] = None
        enrolled = np.where(scheme == 170,
                            cal.day_num(dt.date(2009, 10, 1)) + rng.integers(0, 1500, size=n),
                            np.maximum(cal.day_num(dt.date(1992, 1, 1)),
                                       start * 0 + cal.day_num(dt.date(1992, 1, 1)) + rng.integers(0, 6000, size=n)))
        start_day = np.array([cal.day_num(cal.mi_date(int(s))) if s < 3000 * 12 else 0 for s in start])
        enrolled = np.minimum(enrolled, start_day - 30 - rng.integers(0, 300, size=n))
        self.P = pd.DataFrame(dict(
            id_number=ids, name=names, gender=gender, birth=birth, county=np.array(AGENCY_CODES)[county_i],
            town=town, village=village, phone=phone, enrolled=enrolled, reserved=False,
            dead_day=NA, id_bad=False,
        ))
        # benefits (one per retired person)
        pidx = np.flatnonzero(has_benefit)
        nb = len(pidx)
        sch = scheme[pidx]
        base = np.where(sch == 170, rng.uniform(150, 600, nb),
                        np.where(sch == 110, rng.uniform(2000, 6000, nb), rng.uniform(4000, 9000, nb)))
        st = start[pidx]
        self.B = pd.DataFrame(dict(
            person=pidx, scheme=sch, start=st, det_manual=False,
            det_day=np.array([cal.day_num(cal.mi_date(int(s))) for s in st]) - rng.integers(8, 40, size=nb),
            pay_to=self.Mlast, gap_from=NA, gap_to=NA, acct=NA, acct_old=NA, acct_change=NA,
            reserved=False, base=base, neg_adj=rng.random(nb) < 0.0005,
        ))
        self.B["pay_from"] = np.maximum(self.B["start"].to_numpy(), self.M0)
        self.changes: list[dict] = []      # status changes
        self.extra_pay: list[dict] = []    # extra payouts (back-pays, plants)
        self.overrides: dict[tuple[int, int], dict] = {}
        # payout corrections: a regular payout first delivered with other values (`first`), corrected in batch `cb`
        self.pay_corr: list[dict] = []
        self.deaths: list[dict] = []
        self.jail: list[dict] = []
        self.extra_ops: list[dict] = []
        self.accounts: list[dict] = []
        self.cert_rules: dict[int, dict] = {}   # person -> certification overrides
        self.card_rules: dict[int, dict] = {}
        self.extra_certs: list[dict] = []

    def _region_tables(self) -> None:
        rng = np.random.default_rng(20210526)
        rows = [dict(code=ag, name=R.AGENCY_NAMES[ag], level="county", parent_code=None) for ag in AGENCY_CODES]
        self.villages_by_county: dict[str, list[str]] = {}
        for ag in AGENCY_CODES:
            vils: list[str] = []
            street_no = town_no = xiang_no = 0
            for tname in R.TOWNS.get(ag, ()):
                if tname.endswith("街道"):
                    street_no += 1
                    tcode = f"{ag}{street_no:03d}"
                elif tname.endswith("镇"):
                    town_no += 1
                    tcode = f"{ag}{100 + town_no:03d}"
                else:
                    xiang_no += 1
                    tcode = f"{ag}{200 + xiang_no:03d}"
                rows.append(dict(code=tcode, name=tname, level="town", parent_code=ag))
                nv = int(rng.integers(5, 10))
                if tname.endswith("街道"):
                    words = rng.choice(len(R.COMMUNITY_WORDS), size=nv, replace=False)
                    for j, w in enumerate(words):
                        vcode = f"{tcode}{j + 1:03d}"
                        rows.append(dict(code=vcode, name=R.COMMUNITY_WORDS[w] + "社区", level="village",
                                         parent_code=tcode))
                        vils.append(vcode)
                else:
                    words = rng.choice(len(R.VILLAGE_WORDS), size=nv, replace=False)
                    for j, w in enumerate(words):
                        vcode = f"{tcode}{200 + j + 1:03d}"
                        suffix = "社区" if j == 0 else "村"
                        rows.append(dict(code=vcode, name=R.VILLAGE_WORDS[w] + suffix, level="village",
                                         parent_code=tcode))
                        vils.append(vcode)
            self.villages_by_county[ag] = vils
        self.regions = pd.DataFrame(rows)

    def new_id(self, county: str, birth: int, gender: int, addr: int | None = None) -> str:
        rng = self.rng
        if addr is None:
            codes = [int(c) for c, _ in R.BIRTH_CODES[county]]
            addr = codes[int(rng.integers(0, len(codes)))]
        for _ in range(1000):
            seq = int(rng.integers(0, 500)) * 2 + (1 if gender == 1 else 0)
            key = addr * 10**9 + (birth + 40000) * 1000 + seq
            if key not in self.used_keys:
                self.used_keys.add(key)
                return str(fmt.id_numbers(np.array([addr]), np.array([birth]), np.array([seq]))[0])
        raise RuntimeError("id space exhausted")

    def add_person(self, like: int | None = None, **kw) -> int:
        rng = self.rng
        if like is not None:
            row = self.P.iloc[like].to_dict()
        else:
            g = int(rng.integers(1, 3))
            county = kw.get("county", AGENCY_CODES[1 + int(rng.integers(0, 7))])
            birth = cal.day_num(dt.date(1950, 1, 1)) + int(rng.integers(0, 3000))
            row = dict(id_number=self.new_id(county, birth, g), name=self.rand_name(g), gender=g, birth=birth,
                       county=county, town=None, village=None, phone=None,
                       enrolled=cal.day_num(dt.date(2010, 3, 1)) + int(rng.integers(0, 900)), reserved=True,
                       dead_day=NA, id_bad=False)
            vils = self.villages_by_county.get(county) or []
            if vils:
                v = vils[int(rng.integers(0, len(vils)))]
                row["village"], row["town"] = v, v[:9]
        row.update(kw)
        row["reserved"] = True
        self.P.loc[len(self.P)] = row
        return len(self.P) - 1

    def add_benefit(self, person: int, scheme: int, start: int, base: float, **kw) -> int:
        row = dict(person=person, scheme=scheme, start=start, det_manual=False,
                   det_day=cal.day_num(cal.mi_date(start)) - int(self.rng.integers(8, 30)), pay_to=self.Mlast,
                   gap_from=NA, gap_to=NA, acct=NA, acct_old=NA, acct_change=NA, reserved=True, base=base,
                   neg_adj=False, pay_from=max(start, self.M0))
        row.update(kw)
        self.B.loc[len(self.B)] = row
        return len(self.B) - 1

    def rand_name(self, gender: int) -> str:
        rng = self.rng
        chars = R.MALE_CHARS if gender == 1 else R.FEMALE_CHARS
        n = 1 + int(rng.random() < 0.7)
        return R.SURNAMES[int(rng.integers(0, 40))] + "".join(chars[int(rng.integers(0, len(chars)))] for _ in range(n))

    # ------------------------------------------------------------------ amounts
    def _amounts(self) -> None:
        """Monthly amount (cents) per benefit and adjustment segment."""
        B = self.B
        nseg = len(self.adj_months) + 1
        nb = len(B)
        rng = np.random.default_rng(int(self.rng.integers(0, 2**31)))
        amt = np.zeros((nb, nseg), dtype=np.int64)
        base = B["base"].to_numpy(dtype=float)
        sch = B["scheme"].to_numpy()
        amt[:, 0] = np.round(base * 100).astype(np.int64)
        for s in range(1, nseg):
            pct = rng.uniform(0.038, 0.05, nb)
            inc = np.where(sch == 170, np.round(rng.uniform(800, 2000, nb)), np.round(amt[:, s - 1] * pct))
            amt[:, s] = amt[:, s - 1] + inc.astype(np.int64)
        neg = B["neg_adj"].to_numpy()
        if neg.any() and nseg > 1:
            s = nseg - 1
            amt[neg, s] = amt[neg, s - 1] - np.round(rng.uniform(500, 3000, neg.sum())).astype(np.int64)
        # the start segment's amount is what the benefit was determined at; earlier segments unused
        self.amt = amt

    def amount_at(self, b: np.ndarray, m: np.ndarray) -> np.ndarray:
        return self.amt[np.asarray(b), self.seg(np.asarray(m))]

    # ------------------------------------------------------------------ stages (see events.py, plants.py)
    def _events(self) -> None:
        from pension_risk.generate import events
        events.accounts(self)
        events.background(self)

    def _plants(self) -> None:
        from pension_risk.generate import plants
        plants.plant_all(self)

    def _certs(self) -> None:
        from pension_risk.generate import events
        events.certifications(self)

    def _cards(self) -> None:
        from pension_risk.generate import events
        events.cards(self)

    def _payouts(self) -> None:
        from pension_risk.generate import events
        self._amounts()
        events.payouts(self)

    def _operations(self) -> None:
        from pension_risk.generate import events
        events.operations(self)

    def _recons(self) -> None:
        from pension_risk.generate import events
        events.reconciliations(self)

    def _suspects(self) -> None:
        from pension_risk.generate import plants
        plants.suspects(self)

    def _regions(self) -> None:
        pass

    def _finalize(self) -> None:
        from pension_risk.generate import events
        events.finalize(self)


def legacy_or_messy(id18: str, variant: int) -> str:
    """Raw forms an external feed may carry for one number."""
    if variant == 1 and id18[6:8] == "19":
        return to_legacy15(id18)
    if variant == 2:
        return id18.lower() if id18.endswith("X") else f" {id18} "
    if variant == 3:
        return f"  {id18.lower()} "
    return id18


def bad_check(id18: str) -> str:
    good = check_char(id18[:17])
    alt = "0" if good != "0" else "1"
    return id18[:17] + alt
