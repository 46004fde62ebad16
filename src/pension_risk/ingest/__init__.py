"""Ingestion of landing batches into the raw layer (EXTRACTS.md).

File-level problems reject the whole batch (`BatchRejected`); row values are not
judged here but in the dbt base_ models, so that every delivered row ends up either
staged or in `marts.data_quality_exceptions`.
"""

from pension_risk.ingest.discovery import BatchFolder, discover_batches
from pension_risk.ingest.loader import BatchResult, ingest_landing

__all__ = ["BatchFolder", "BatchResult", "discover_batches", "ingest_landing"]
