"""Typed errors for bad input: each carries what a user needs to act on it."""

from __future__ import annotations


class PensionRiskError(Exception):
    """An error the CLI reports as one clear line (no traceback)."""


class BatchRejected(PensionRiskError):
    """A whole batch is rejected: names the batch, the file and the reason."""

    def __init__(self, batch_id: str, file: str | None, reason: str):
        self.batch_id = batch_id
        self.file = file
        self.reason = reason
        where = f"{batch_id}/{file}" if file else batch_id
        super().__init__(f"batch {where} rejected: {reason}")


class PipelineError(PensionRiskError):
    """The run could not publish; the previous warehouse is untouched."""


class WarehouseLocked(PipelineError):
    """Another run holds the writer lock of the warehouse: this run did nothing."""


class BuildIncomplete(PipelineError):
    """The building file is not a completed build of this run: nothing is published."""
