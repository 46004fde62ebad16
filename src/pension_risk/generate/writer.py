"""Turn the world into batch folders: 16 files per batch + manifest.json (EXTRACTS.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from pension_risk.contract import AGENCY_CODES, FILES, FILES_BY_NAME
from pension_risk.generate import cal, fmt
from pension_risk.generate import refdata as R
from pension_risk.generate.world import DAY, NA, World, bad_check, legacy_or_messy


# deterministic encodings: (file, batch index parity) -> (encoding, bom, crlf)
def encoding_of(name: str, k: int, persons: int) -> tuple[str, bool, bool]:
    if name in ("deaths.csv", "incarcerations.csv"):
        return "gb18030", False, k % 2 == 0
    if name == "persons.csv" and k == 0 and persons <= 200_000:
        return "gb18030", False, False
    if name in ("bank_accounts.csv", "cards.csv"):
        return "utf-8", True, False
    if name in ("certifications.csv", "status_changes.csv"):
        return "utf-8", False, True
    return "utf-8", False, False


def d(days) -> np.ndarray:
    arr = np.asarray(days, dtype=np.int64)
    return fmt.obj(fmt.dates(np.where(arr == NA, 0, arr), arr == NA))


class Writer:
    def __init__(self, w: World, out: Path):
        self.w = w
        self.out = out
        self.exceptions: list[tuple[str, str, int, str, bool]] = []
        self.tables: dict[str, pd.DataFrame] = {}

    # -------------------------------------------------------------- building final tables
    def build(self) -> None:
        w = self.w
        P, B = w.P, w.B
        self.person_ids = fmt.obj(fmt.pad(np.arange(1, len(P) + 1), 7, "P"))
        self.benefit_ids = fmt.obj(fmt.pad(np.arange(1, len(B) + 1), 7, "B"))
        ids = P["id_number"].to_numpy().copy()
        bad = P["id_bad"].to_numpy()
        ids[bad] = [bad_check(x) for x in ids[bad]]
        self.tables["persons"] = pd.DataFrame(dict(
            person_id=self.person_ids, id_number=ids, name=P["name"].to_numpy(), gender=P["gender"].astype(str).to_numpy(),
            birth_date=d(P["birth"]), county_code=P["county"].to_numpy(), town_code=P["town"].to_numpy(),
            village_code=P["village"].to_numpy(), phone=P["phone"].to_numpy(), enrolled_on=d(P["enrolled"]),
            _from=P["enrolled"].to_numpy(), _exc=np.where(bad, "reported", "")))
        # accounts
        A = pd.concat([w.A0, pd.DataFrame(w.accounts, columns=["bank", "holder_name", "holder_id", "opened"])],
                      ignore_index=True)
        rng = np.random.default_rng(7)
        nA = len(A)
        lens = rng.integers(16, 20, size=nA)
        mid = rng.integers(0, 10**6, size=nA)
        bins = np.array(R.BANK_BINS, dtype=object)[A["bank"].to_numpy().astype(int)]
        tail = fmt.obj(fmt.pad(np.arange(1, nA + 1), 7))
        midw = lens - 13
        mids = np.array([str(v).zfill(6)[:wd] for v, wd in zip(mid.tolist(), midw.tolist())], dtype=object)
        self.account_nos = bins + mids + tail
        self.tables["bank_accounts"] = pd.DataFrame(dict(
            account_no=self.account_nos, bank_code=np.array(R.BANKS, dtype=object)[A["bank"].to_numpy().astype(int)],
            holder_name=A["holder_name"].to_numpy(), holder_id_number=A["holder_id"].to_numpy(),
            opened_on=d(A["opened"]), _from=A["opened"].to_numpy(), _exc=""))
        # status changes
        SC = pd.DataFrame(w.changes).sort_values(["ts", "b"], kind="stable").reset_index(drop=True)
        SC["change_id"] = fmt.obj(fmt.pad(np.arange(1, len(SC) + 1), 8, "SC"))
        self.SC = SC
        bp = B["person"].to_numpy()
        self.tables["status_changes"] = pd.DataFrame(dict(
            change_id=SC["change_id"], benefit_id=self.benefit_ids[SC["b"].to_numpy()],
            person_id=self.person_ids[bp[SC["b"].to_numpy()]], from_status=SC["frm"], to_status=SC["to"],
            reason_code=SC["reason"], operator_id=SC["operator"], reviewer_id=SC["reviewer"],
            operated_at=fmt.obj(fmt.stamps(SC["ts"].to_numpy())), batch_id=SC["batch"],
            _batch=w.batch_of(SC["ts"].to_numpy() // DAY), _exc=""))
        # benefits (final state + status history for earlier snapshots)
        last_amt = w.amt[np.arange(len(B)), w.seg(np.minimum(B["pay_to"].to_numpy(), w.Mlast))]
        status = np.full(len(B), "1", dtype=object)
        reason = np.full(len(B), None, dtype=object)
        since = np.array([cal.day_num(cal.mi_date(int(s))) for s in B["start"].to_numpy()])
        for r in SC.itertuples():
            status[r.b] = r.to
            reason[r.b] = r.reason if r.to != "1" else None
            since[r.b] = r.ts // DAY
        det_ts = B["det_day"].to_numpy() * DAY + 10 * 3600 + (np.arange(len(B)) * 37) % 20000
        if "det_ts" in B:
            dt_ = B["det_ts"].to_numpy()
            det_ts = np.where(pd.notna(dt_), np.nan_to_num(dt_.astype(float), nan=0).astype(np.int64), det_ts)
        ag = P["county"].to_numpy()[bp]
        self.tables["benefits"] = pd.DataFrame(dict(
            benefit_id=self.benefit_ids, person_id=self.person_ids[bp], scheme_code=B["scheme"].astype(str).to_numpy(),
            start_month=fmt.obj(fmt.months(B["start"].to_numpy())), monthly_amount=fmt.obj(fmt.money(last_amt)),
            determination=np.where(B["det_manual"].to_numpy(), "2", "1"),
            determined_by=np.array([f"U{a}01" for a in ag], dtype=object),
            reviewed_by=np.array([f"U{a}03" for a in ag], dtype=object),
            determined_at=fmt.obj(fmt.stamps(det_ts)), status=status, status_reason=reason,
            status_since=d(since), account_no=self.account_nos[B["acct"].to_numpy().astype(int)],
            _from=B["det_day"].to_numpy(), _exc=""))
        self.last_amt = last_amt
        # deaths
        D = pd.DataFrame(w.deaths).sort_values(["received", "death"], kind="stable").reset_index(drop=True)
        D = D[D["received"] <= w.asof_day].reset_index(drop=True)
        self.tables["deaths"] = pd.DataFrame(dict(
            death_id=fmt.obj(fmt.pad(np.arange(1, len(D) + 1), 8, "D")), id_number=D["id_number"], name=D["name"],
            death_date=d(D["death"]), source=D["source"].astype(str), received_on=d(D["received"]),
            _batch=w.batch_of(D["received"].to_numpy()), _exc=""))
        # incarcerations (+ corrections when the release date becomes known later)
        J = pd.DataFrame(w.jail).sort_values("start", kind="stable").reset_index(drop=True)
        J = J[J["start"] + 10 <= w.asof_day].reset_index(drop=True)
        rid = fmt.obj(fmt.pad(np.arange(1, len(J) + 1), 7, "JY"))
        first_b = w.batch_of(J["start"].to_numpy() + 10)
        rows = []
        for i, r in enumerate(J.itertuples()):
            idn = legacy_or_messy(w.P.at[r.p, "id_number"], r.variant)
            known = r.end <= w.batch_days[first_b[i]]
            rows.append(dict(record_id=rid[i], id_number=idn, name=w.P.at[r.p, "name"], sentence_type=r.type,
                             start_date=cal.num_day(r.start).isoformat(),
                             end_date=cal.num_day(r.end).isoformat() if known else None, _batch=first_b[i], _exc=""))
            if not known and r.end <= w.asof_day:
                rows.append(dict(rows[-1], end_date=cal.num_day(r.end).isoformat(),
                                 _batch=int(w.batch_of(np.array([r.end]))[0])))
        self.tables["incarcerations"] = pd.DataFrame(rows, columns=list(FILES_BY_NAME["incarcerations.csv"].columns)
                                                     + ["_batch", "_exc"])
        # certifications
        C = w.C
        cd = C["raw_day"].where(C["raw_day"].notna(), pd.Series(d(C["day"]), index=C.index))
        cm = C["raw_method"].where(C["raw_method"].notna(), C["method"].astype(str))
        self.tables["certifications"] = pd.DataFrame(dict(
            cert_id=C["cert_id"], person_id=self.person_ids[C["p"].to_numpy()], certified_on=cd, method=cm,
            result=C["result"].astype(str), operator_id=C["operator"], reviewer_id=C["reviewer"],
            _batch=w.batch_of(C["day"].to_numpy()), _exc=C["exc"]))
        # cards
        K = w.K
        self.tables["cards"] = pd.DataFrame(dict(
            card_no=K["card_no"], person_id=self.person_ids[K["p"].to_numpy()], made_on=d(K["made"]),
            arrived_on=d(K["arrived"]), distributed_on=d(K["distributed"]), status=K["status"].astype(str),
            activated_on=d(K["activated"]),
            activation_mode=np.where(K["mode"].to_numpy() == NA, None, K["mode"].astype(str).to_numpy()),
            _from=K["made"].to_numpy(), _exc=""))
        # users, roles, staff
        U = pd.DataFrame(w.users)
        rng = np.random.default_rng(11)
        names = [R.STAFF_SURNAMES[int(rng.integers(0, 60))] + "".join(
            R.STAFF_CHARS[int(rng.integers(0, len(R.STAFF_CHARS)))] for _ in range(1 + int(rng.random() < .6)))
            for _ in range(len(U))]
        uid_numbers = [w.new_id("340403", cal.day_num(dt.date(1965, 1, 1)) + int(rng.integers(0, 10000)),
                                int(rng.integers(1, 3)), addr=340403) for _ in range(len(U))]
        self.tables["users"] = pd.DataFrame(dict(
            user_id=U["user_id"], name=names, id_number=uid_numbers, org_county_code=U["agency"],
            account_status=U["status"], created_on=d(U["created"]), disabled_on=d(U["disabled"]),
            login_method=U["login"], _from=U["created"].to_numpy(),
            _exc=np.where(U["in_roster"].to_numpy(), "", "reported")))
        RO = pd.DataFrame(w.roles, columns=["user_id", "role_code", "granted", "revoked"])
        self.tables["user_roles"] = pd.DataFrame(dict(
            user_id=RO["user_id"], role_code=RO["role_code"], granted_on=d(RO["granted"]),
            revoked_on=d(RO["revoked"]), _from=RO["granted"].to_numpy(), _exc=""))
        main_role = {u: r for u, r, _, _ in w.roles}
        inr = U[U["in_roster"]]
        self.tables["staff"] = pd.DataFrame(dict(
            user_id=inr["user_id"], name=np.array(names, dtype=object)[inr.index],
            id_number=np.array(uid_numbers, dtype=object)[inr.index], agency_code=inr["agency"],
            post=[R.POSTS.get(main_role.get(u, ""), "经办") for u in inr["user_id"]],
            employment_status=inr["roster"], left_on=d(inr["left"]), _from=inr["created"].to_numpy(), _exc=""))
        # reconciliations with planted faults (R15) and a repeated key (rejected)
        REC = w.REC.copy()
        rng = np.random.default_rng(13)
        picks = rng.permutation(len(REC))[:4 * max(1, w.recon_faults)]
        for j, i in enumerate(picks.tolist()):
            kind = j % 4
            if kind == 0:
                REC.at[i, "reviewed_by"] = None
            elif kind == 1:
                REC.at[i, "reviewed_by"] = REC.at[i, "prepared_by"]
            elif kind == 2:
                REC.at[i, "prepared_by"], REC.at[i, "reviewed_by"] = REC.at[i, "reviewed_by"], REC.at[i, "prepared_by"]
            else:
                REC.at[i, "bank"] = REC.at[i, "book"] - int(rng.integers(100, 500000))
            w.plants.pos("R15", f"{REC.at[i, 'recon_id']}: fault {['no reviewer', 'self-reviewed', 'reviewed by cashier', 'balances differ'][kind]}")
        self.tables["reconciliations"] = pd.DataFrame(dict(
            recon_id=REC["recon_id"], county_code=REC["county"], bank_account=REC["bank_account"],
            month=fmt.obj(fmt.months(REC["m"].to_numpy())), book_balance=fmt.obj(fmt.money(REC["book"].to_numpy())),
            bank_balance=fmt.obj(fmt.money(REC["bank"].to_numpy())), prepared_by=REC["prepared_by"],
            reviewed_by=REC["reviewed_by"], _batch=w.batch_of(REC["day"].to_numpy()), _exc=""))
        dup = self.tables["reconciliations"].iloc[[0]].copy()
        dup["bank_balance"] = "0.00"
        dup["_exc"] = "rejected"
        self.tables["reconciliations"] = pd.concat([self.tables["reconciliations"], dup], ignore_index=True)
        # suspects
        S = pd.DataFrame(w.SUS)
        self.tables["suspects"] = pd.DataFrame(dict(
            suspect_id=S["suspect_id"], issuer=S["issuer"], issued_on=d(S["day"]), suspect_type=S["kind"],
            id_number=S["id_number"], name=S["name"], county_code=S["county"], description=S["desc"],
            _batch=w.batch_of(S["day"].to_numpy()), _exc=""))
        self.tables["regions"] = w.regions.assign(_from=0, _exc="")
        self._operations()

    def _operations(self) -> None:
        w = self.w
        B = w.B
        rows = list(w.ops_rows)
        bp = B["person"].to_numpy()
        for r in self.SC.itertuples():
            if not r.op:
                continue
            code = {"2": "STATUS_SUSPEND", "4": "STATUS_TERMINATE", "1": "STATUS_RESUME"}[r.to]
            rows.append(dict(user=r.operator, op=code, p=int(bp[r.b]), target=("S", r.change_id), batch=r.batch,
                             ts=int(r.ts), reviewer=r.reviewer))
        ops = pd.DataFrame(rows)
        tgt = []
        for t in ops["target"]:
            if t is None or (isinstance(t, float)):
                tgt.append(None)
            elif t[0] == "B":
                tgt.append(self.benefit_ids[t[1]])
            else:
                tgt.append(t[1])
        ops["target_id"] = tgt
        # back-pays (BACKPAY) and adjustment back-pays (AMOUNT_ADJUST) from the payout model
        parts = [ops]
        for ch in w.pay_chunks:
            x = ch[ch["ptype"].to_numpy() >= 2]
            if not len(x):
                continue
            ags = w.P["county"].to_numpy()[x["p"].to_numpy()]
            is_bp = x["ptype"].to_numpy() == 2
            # back-pay logged by the payer, reviewed by the reviewer; adjustment batch per agency
            pid = self.payout_id_strings(x)
            bids = self.benefit_ids[x["b"].to_numpy()]
            m = int(x["pm"].iloc[0])
            day = int(w.next_wd(np.array([w.payday[m] - 6]))[0])
            ai = np.array([AGENCY_CODES.index(a) for a in ags])
            user = np.where(is_bp, [f"U{a}05" for a in ags], [f"U{a}01" for a in ags])
            reviewer = np.where(is_bp, [f"U{a}03" for a in ags], [f"U{a}04" for a in ags])
            order = np.arange(len(x))
            ts = np.where(is_bp, x["paid"].to_numpy().astype(np.int64) * DAY - DAY + 15 * 3600 + order % 3000,
                          day * DAY + 9 * 3600 + ai * 600 + order // 50)
            batch = np.where(is_bp, None, [f"OB{cal.num_day(day):%Y%m%d}{i:02d}01" for i in ai])
            xi = x["xi"].to_numpy()
            X = w.pay_extra
            for j in np.flatnonzero(is_bp & (xi >= 0)):
                rv = X.at[int(xi[j]), "op_reviewer"]
                if rv != "default":
                    reviewer[j] = rv
            parts.append(pd.DataFrame(dict(user=user, op=np.where(is_bp, "BACKPAY", "AMOUNT_ADJUST"),
                                           p=x["p"].to_numpy(), target_id=np.where(is_bp, pid, bids), batch=batch,
                                           ts=ts, reviewer=reviewer)))
        # payout approvals: one per payout batch, by the reviewer, the working day before pay day
        pbs = np.unique(np.concatenate([ch["pb"].to_numpy() for ch in w.pay_chunks]))
        m = pbs // 48
        rest = pbs % 48
        ai, bank = rest // 6, rest % 6
        days = w.next_wd(np.array([w.payday[int(mm)] for mm in m]) - 2)
        parts.append(pd.DataFrame(dict(
            user=[f"U{AGENCY_CODES[a]}04" for a in ai], op="PAYOUT_APPROVE", p=None,
            target_id=self.pb_strings(pbs), batch=[f"OB{cal.num_day(dd):%Y%m%d}{a:02d}02" for dd, a in zip(days, ai)],
            ts=days * DAY + 10 * 3600 + ai * 300 + bank * 30, reviewer=None)))
        # certification confirmations
        C = w.C
        sel = C["operator"].notna().to_numpy() & (C["exc"].to_numpy() == "")
        cc = C[sel]
        parts.append(pd.DataFrame(dict(user=cc["operator"].to_numpy(), op="CERT_CONFIRM", p=cc["p"].to_numpy(),
                                       target_id=cc["cert_id"].to_numpy(), batch=None,
                                       ts=w.work_ts(cc["day"].to_numpy(), np.random.default_rng(3)),
                                       reviewer=cc["reviewer"].to_numpy())))
        # role grants since 2019 and logins on working days
        RO = pd.DataFrame(w.roles, columns=["user_id", "role_code", "granted", "revoked"])
        g = RO[RO["granted"] >= w.first_day]
        parts.append(pd.DataFrame(dict(user=[f"U{u[1:7]}12" for u in g["user_id"]], op="ROLE_GRANT", p=None,
                                       target_id=g["user_id"].to_numpy(), batch=None,
                                       ts=w.work_ts(g["granted"].to_numpy(), np.random.default_rng(5)),
                                       reviewer=None)))
        U = pd.DataFrame(w.users)
        days = np.arange(w.first_day, w.asof_day + 1)
        wdays = days[w.is_wd(days)]
        rng = np.random.default_rng(17)
        lu, lt = [], []
        for u in U.itertuples():
            end = u.left if u.left != NA else w.asof_day
            if u.disabled != NA:
                end = min(end, u.disabled)
            dd = wdays[(wdays >= u.created) & (wdays <= end)]
            dd = dd[rng.random(len(dd)) < 0.9]
            lu.append(np.full(len(dd), u.user_id, dtype=object))
            lt.append(dd * DAY + rng.integers(8 * 3600, 9 * 3600 + 1800, size=len(dd)))
        parts.append(pd.DataFrame(dict(user=np.concatenate(lu), op="LOGIN", p=None, target_id=None, batch=None,
                                       ts=np.concatenate(lt), reviewer=None)))
        ops = pd.concat(parts, ignore_index=True)
        ops = ops[ops["ts"] // DAY <= w.asof_day]
        ops = ops.sort_values(["ts", "user", "op"], kind="stable").reset_index(drop=True)
        ops["p"] = ops["p"].astype("float").fillna(-1).astype(np.int64)
        ai_of = {u["user_id"]: AGENCY_CODES.index(u["agency"]) for u in w.users}
        ip = [f"10.34.{ai_of.get(u, 0) + 1}.{int(u[-2:]) + 10}" for u in ops["user"]]
        self.tables["operations"] = pd.DataFrame(dict(
            log_id=fmt.obj(fmt.pad(np.arange(1, len(ops) + 1), 10, "L")), user_id=ops["user"],
            op_code=ops["op"], person_id=np.where(ops["p"].to_numpy() >= 0,
                                                  self.person_ids[np.maximum(ops["p"].to_numpy(), 0)], None),
            target_id=ops["target_id"], batch_id=ops["batch"], operated_at=fmt.obj(fmt.stamps(ops["ts"].to_numpy())),
            reviewer_id=ops["reviewer"], client_ip=ip, _batch=w.batch_of(ops["ts"].to_numpy() // DAY), _exc=""))

    def pb_strings(self, pbs: np.ndarray) -> np.ndarray:
        return fmt.obj(self.pb_arrow(pbs))

    def pb_arrow(self, pbs: np.ndarray) -> pa.Array:
        pbs = np.asarray(pbs, dtype=np.int64)
        m = pbs // 48
        rest = pbs % 48
        ai, bank = rest // 6, rest % 6
        ym = (m // 12) * 100 + m % 12 + 1
        ag = np.array([int(a) for a in AGENCY_CODES])[ai]
        return fmt.pad((ym * 10**6 + ag) * 100 + bank + 1, 14, "PB")

    def payout_id_strings(self, ch: pd.DataFrame) -> np.ndarray:
        return fmt.obj(fmt.pad(ch["no"].to_numpy(), 15, "PO"))

    def _lookups(self) -> dict[str, pa.Array]:
        """String columns of the payout file as arrow arrays, indexed by the model's integer codes."""
        if getattr(self, "_lk", None) is None:
            w = self.w
            self._lk = dict(
                benefit=pa.array(self.benefit_ids, type=pa.string()),
                person=pa.array(self.person_ids, type=pa.string()),
                account=pa.array(self.account_nos, type=pa.string()),
                bank=pa.array(np.array(R.BANKS, dtype=object)[w.acct_bank], type=pa.string()),
                user=pa.array(np.array([u["user_id"] for u in w.users], dtype=object), type=pa.string()))
        return self._lk

    def payout_table(self, ch: pd.DataFrame, status_col: str = "status0", cents_col: str = "cents0") -> pa.Table:
        lk = self._lookups()
        rv = ch["reviewed"].to_numpy()
        acct = ch["acct"].to_numpy()

        def take(arr: pa.Array, idx: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
            return arr.take(pa.array(np.asarray(idx, dtype=np.int64), mask=null))

        def num_str(col: str) -> pa.Array:
            return pa.array(ch[col].to_numpy().astype(np.int64)).cast(pa.string())

        return pa.table(dict(
            payout_id=fmt.pad(ch["no"].to_numpy(), 15, "PO"),
            benefit_id=take(lk["benefit"], ch["b"].to_numpy()), person_id=take(lk["person"], ch["p"].to_numpy()),
            period_from=fmt.months(ch["pf"].to_numpy()), period_to=fmt.months(ch["pt"].to_numpy()),
            pay_month=fmt.months(ch["pm"].to_numpy()), payout_type=num_str("ptype"),
            amount=fmt.money(ch[cents_col].to_numpy()), account_no=take(lk["account"], acct),
            bank_code=take(lk["bank"], acct),
            channel=num_str("channel"), batch_id=self.pb_arrow(ch["pb"].to_numpy()),
            pay_status=num_str(status_col),
            created_by=take(lk["user"], ch["created"].to_numpy()),
            reviewed_by=take(lk["user"], np.maximum(rv, 0), rv < 0),
            paid_on=fmt.dates(ch["paid"].to_numpy())))


def _csv_bytes(df: pd.DataFrame, columns: tuple[str, ...], enc: str, bom: bool, crlf: bool) -> bytes:
    # column by column (same values as converting the whole frame to object first, without the copy)
    buf = io.BytesIO()
    buf.write((",".join(columns) + "\n").encode())
    if len(df):
        table = pa.table({c: pa.array(df[c].to_numpy(dtype=object), from_pandas=True).cast(pa.string())
                          for c in columns})
        pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=False, quoting_style="none"))
        del table
    data = buf.getvalue()
    if enc != "utf-8":
        data = data.decode("utf-8").encode(enc)
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return data


def _xlsx_bytes(df: pd.DataFrame, headers: tuple[str, ...], columns: tuple[str, ...], sheet: str,
                stamp: dt.datetime, date_cols: tuple[str, ...]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for i, row in enumerate(df[list(columns)].itertuples(index=False)):
        vals = []
        for c, v in zip(columns, row):
            if not isinstance(v, str) and v is not None and not isinstance(v, dt.date):
                v = None
            if c in date_cols and isinstance(v, str) and i % 2 == 0:
                v = dt.date.fromisoformat(v)
            vals.append(v)
        ws.append(vals)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "pension-risk"
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + iso + rb"\g<2>", data)
            z.writestr(zi, data)
    return out.getvalue()


def _sha256_file(path: Path) -> str:
    """Streamed: payouts.csv of the first batch is several GB at 1M persons."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 22)
            if not block:
                break
            h.update(block)
    return h.hexdigest()


def write_batches(wr: Writer, progress=None) -> None:
    w = wr.w
    persons = w.n0
    for k, (bday, bdate) in enumerate(zip(w.batch_days, w.batch_dates)):
        bid = f"{bdate:%Y%m%d}"
        folder = wr.out / bid
        folder.mkdir(parents=True)
        entries = []
        stamp = dt.datetime(bdate.year, bdate.month, bdate.day, 23, 0, 0)
        for spec in FILES:
            stem = spec.stem
            if stem == "payouts":
                rows = _write_payouts(wr, k, folder / spec.name)
            else:
                df = wr.tables[stem]
                if spec.kind == "snapshot":
                    part = df[df["_from"].to_numpy() <= bday]
                    part = _as_of_snapshot(wr, stem, part, int(bday))
                else:
                    part = df[df["_batch"].to_numpy() == k]
                part = part.reset_index(drop=True)
                for i in np.flatnonzero(part["_exc"].to_numpy() != ""):
                    wr.exceptions.append((bid, spec.name, int(i) + 1, str(part.iat[int(i), 0]),
                                          part.at[int(i), "_exc"] == "reported"))
                if spec.is_xlsx:
                    sheet = "人员花名册" if stem == "staff" else "疑点数据"
                    dcols = ("left_on",) if stem == "staff" else ("issued_on",)
                    data = _xlsx_bytes(part, spec.headers, spec.columns, sheet, stamp, dcols)
                else:
                    data = _csv_bytes(part, spec.columns, *encoding_of(spec.name, k, persons))
                (folder / spec.name).write_bytes(data)
                rows = len(part)
            sha = _sha256_file(folder / spec.name)
            entries.append({"name": spec.name, "rows": int(rows), "sha256": sha})
        manifest = {"batch_id": bid, "as_of": bdate.isoformat(), "source_system": R.SOURCE_SYSTEM, "files": entries}
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
        if progress:
            progress(f"batch {bid}")


def _as_of_snapshot(wr: Writer, stem: str, part: pd.DataFrame, bday: int) -> pd.DataFrame:
    """State of a snapshot file at an earlier batch's as_of."""
    w = wr.w
    if bday >= w.asof_day:
        return part
    part = part.copy()
    if stem == "users":
        late = (part["disabled_on"].notna()) & (part["disabled_on"].fillna("9999") > cal.num_day(bday).isoformat())
        part.loc[late, "disabled_on"] = None
        part.loc[late, "account_status"] = "1"
    elif stem == "user_roles":
        late = part["revoked_on"].fillna("9999") > cal.num_day(bday).isoformat()
        part.loc[late & part["revoked_on"].notna(), "revoked_on"] = None
    elif stem == "staff":
        late = part["left_on"].notna() & (part["left_on"].fillna("9999") > cal.num_day(bday).isoformat())
        part.loc[late, "left_on"] = None
        part.loc[late, "employment_status"] = "在岗"
    elif stem == "benefits":
        SC = wr.SC[wr.SC["ts"] // DAY <= bday]
        last = SC.groupby("b").tail(1)
        idx = {b: i for i, b in enumerate(part.index)}
        st = np.full(len(part), "1", dtype=object)
        rs = np.full(len(part), None, dtype=object)
        since = np.array([cal.num_day(int(x) // DAY) if False else None for x in range(0)])
        for r in last.itertuples():
            if r.b in idx:
                st[idx[r.b]] = r.to
                rs[idx[r.b]] = r.reason if r.to != "1" else None
        part["status"] = st
        part["status_reason"] = rs
    elif stem == "cards":
        iso = cal.num_day(bday).isoformat()
        for c in ("distributed_on", "activated_on"):
            late = part[c].fillna("0000") > iso
            part.loc[late, c] = None
        part.loc[part["activated_on"].isna(), "activation_mode"] = None
    return part


def _write_payouts(wr: Writer, k: int, path: Path) -> int:
    w = wr.w
    spec = FILES_BY_NAME["payouts.csv"]
    n = 0
    with open(path, "wb") as f:
        f.write((",".join(spec.columns) + "\n").encode())
        for ch in w.pay_chunks:
            sel = w.batch_of(ch["paid"].to_numpy()) == k
            if not sel.any():
                continue
            t = wr.payout_table(ch[sel])
            buf = io.BytesIO()
            pacsv.write_csv(t, buf, pacsv.WriteOptions(include_header=False, quoting_style="none"))
            del t
            f.write(buf.getbuffer())
            del buf
            n += int(sel.sum())
        for ch in w.pay_chunks:
            # corrections of rows delivered by an earlier batch: same payout_id, final values
            sel = ch["cb"].to_numpy() == k
            if not sel.any():
                continue
            t = wr.payout_table(ch[sel], status_col="status", cents_col="cents")
            buf = io.BytesIO()
            pacsv.write_csv(t, buf, pacsv.WriteOptions(include_header=False, quoting_style="none"))
            del t
            f.write(buf.getbuffer())
            del buf
            n += int(sel.sum())
        if k == len(w.batch_days) - 1:
            # an orphan payout (unknown benefit and person): reported, takes part in no rule
            m = w.Mlast
            line = (f"PO{m // 12}{m % 12 + 1:02d}999999900,B9999999,P9999999,{cal.month_str(m)},{cal.month_str(m)},"
                    f"{cal.month_str(m)},1,300.00,{wr.account_nos[0]},{R.BANKS[int(w.acct_bank[0])]},1,"
                    f"{wr.pb_strings(np.array([(m * 8 + 1) * 6 + 1]))[0]},1,U34040205,U34040204,"
                    f"{cal.num_day(w.payday[m]).isoformat()}\n")
            f.write(line.encode())
            n += 1
            wr.exceptions.append((f"{w.batch_dates[k]:%Y%m%d}", "payouts.csv", n,
                                  f"PO{m // 12}{m % 12 + 1:02d}999999900", True))
    return n
