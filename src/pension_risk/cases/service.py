"""Recording and reviewing cases as an account: rights, scope, and the audit log, in one place.

Every write of a person's work goes through here, from the dashboard and from
`cases import` alike:

- ``record_case``: 初审 by a verifier of the case's agency (roles.Role.records);
  the case becomes 待复核.
- ``review_case``: 复核 by a reviewer whose scope holds the case
  (roles.Role.reviews): 通过 -> 已复核, 退回 -> 已退回; never its own change.
- ``record_checklist``: a verifier's self-inspection answer for its own agency.

A case can only be recorded when it is in the published ledger (its identity is
stored with the first record); a checklist answer only for an agency of
reference.agencies and an item of reference.checklist_items. Each accepted change
is written to the audit log (fields changed, never their values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from pension_risk.access.roles import AccessDenied, Principal
from pension_risk.cases import queries
from pension_risk.cases.store import AuditEntry, CaseStore, CaseStoreError, RecordResult


def _identity(case_id: str, warehouse: Path | None, store: Path, identities: Mapping[str, dict] | None) -> dict:
    identity = (identities if identities is not None else queries.case_identities(warehouse)).get(case_id)
    if identity is None:
        existing = CaseStore(store).get_case(case_id)
        if existing is None:
            raise CaseStoreError(f"案件编号 {case_id} 不在台账中")
        identity = {k: existing[k] for k in ("case_type", "rule_code", "subject_id", "person_id", "county_code")}
    return identity


def record_case(principal: Principal, case_id: str, fields: Mapping[str, object], *,
                warehouse: Path | None = None, store: Path | None = None, expected_version: int | None = None,
                at: dt.datetime | None = None, source: str = "dashboard",
                identities: Mapping[str, dict] | None = None) -> RecordResult:
    """初审: record (part of) the verification of one case as ``principal``."""
    store = queries.store_path(warehouse, store)
    principal.require("records", "登记或修改核查结论")
    identity = _identity(case_id, warehouse, store, identities)
    principal.require_scope(identity["county_code"], f"登记案件 {case_id}")
    result = CaseStore(store).record_conclusion(
        case_id, fields, principal.login, at, case_type=identity["case_type"],
        identity={k: identity[k] for k in ("rule_code", "subject_id", "person_id", "county_code")},
        expected_version=expected_version, source=source,
        audit=AuditEntry("record", principal.login, principal.role_code, case_id, source),
    )
    return result


def review_case(principal: Principal, case_id: str, decision: str, note: object = None, *,
                warehouse: Path | None = None, store: Path | None = None, expected_version: int | None = None,
                at: dt.datetime | None = None, source: str = "dashboard",
                identities: Mapping[str, dict] | None = None) -> RecordResult:
    """复核: pass (通过) or return (退回) one case as ``principal``."""
    store = queries.store_path(warehouse, store)
    principal.require("reviews", "复核")
    identity = _identity(case_id, warehouse, store, identities)
    principal.require_scope(identity["county_code"], f"复核案件 {case_id}")
    result = CaseStore(store).review_case(case_id, decision, note, principal.login, at,
                                          expected_version=expected_version, source=source,
                                          audit=AuditEntry("review", principal.login, principal.role_code, case_id,
                                                           source))
    return result


def record_checklist(principal: Principal, agency_code: str, item_code: str, fields: Mapping[str, object], *,
                     warehouse: Path | None = None, store: Path | None = None,
                     expected_version: int | None = None, at: dt.datetime | None = None,
                     source: str = "dashboard") -> RecordResult:
    store = queries.store_path(warehouse, store)
    principal.require("records", "填报自查清单")
    if not principal.in_scope(agency_code):
        raise AccessDenied(f"账号 {principal.login}（{principal.role.label}，{principal.scope_label}）"
                           f"无权填报 {agency_code} 的自查清单")
    items = set(queries.checklist_items(warehouse)["item_code"].astype(str))
    agencies = set(queries.agencies(warehouse)["agency_code"].astype(str)) or None
    result = CaseStore(store).record_checklist_answer(
        agency_code, item_code, fields, principal.login, at, valid_items=items, valid_agencies=agencies,
        expected_version=expected_version, source=source,
        audit=AuditEntry("record_checklist", principal.login, principal.role_code, f"{agency_code}/{item_code}",
                         source),
    )
    return result
