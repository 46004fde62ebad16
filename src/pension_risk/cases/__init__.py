"""Verification of cases (核查) and the risk ledger (风险台账).

- ``store``: the case store (SQLite beside the warehouse, never replaced by a rebuild).
- ``cli``: ``pension-risk cases export`` / ``cases import`` (xlsx worklists).
- ``queries``: read-only warehouse reads for the dashboard pages.
"""

from pension_risk.cases.store import (
    CaseStore,
    CaseStoreError,
    ConflictError,
    default_store_path,
    record_conclusion,
    snapshot_for_warehouse,
)

__all__ = [
    "CaseStore",
    "CaseStoreError",
    "ConflictError",
    "default_store_path",
    "record_conclusion",
    "snapshot_for_warehouse",
]
