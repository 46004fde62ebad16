"""Recording with checks against the published warehouse (used by the dashboard and tests).

A case can only be recorded when it is in the published ledger (its identity is
stored with the first record); a checklist answer only for an agency of
reference.agencies and an item of reference.checklist_items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from pension_risk.cases import queries
from pension_risk.cases.store import CaseStore, CaseStoreError, RecordResult


def record_case(case_id: str, fields: Mapping[str, object], by: str, *, warehouse: Path | None = None,
                store: Path | None = None, expected_version: int | None = None,
                at: dt.datetime | None = None, source: str = "dashboard") -> RecordResult:
    identity = queries.case_identities(warehouse).get(case_id)
    if identity is None:
        existing = CaseStore(queries.store_path(warehouse, store)).get_case(case_id)
        if existing is None:
            raise CaseStoreError(f"案件编号 {case_id} 不在台账中")
        identity = {k: existing[k] for k in ("case_type", "rule_code", "subject_id", "person_id", "county_code")}
    return CaseStore(queries.store_path(warehouse, store)).record_conclusion(
        case_id, fields, by, at, case_type=identity["case_type"],
        identity={k: identity[k] for k in ("rule_code", "subject_id", "person_id", "county_code")},
        expected_version=expected_version, source=source,
    )


def record_checklist(agency_code: str, item_code: str, fields: Mapping[str, object], by: str, *,
                     warehouse: Path | None = None, store: Path | None = None,
                     expected_version: int | None = None, at: dt.datetime | None = None,
                     source: str = "dashboard") -> RecordResult:
    items = set(queries.checklist_items(warehouse)["item_code"].astype(str))
    agencies = set(queries.agencies(warehouse)["agency_code"].astype(str)) or None
    return CaseStore(queries.store_path(warehouse, store)).record_checklist_answer(
        agency_code, item_code, fields, by, at, valid_items=items, valid_agencies=agencies,
        expected_version=expected_version, source=source,
    )
