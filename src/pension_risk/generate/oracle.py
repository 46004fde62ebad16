"""Independent computation of the expected flags (RULES.md) over the final generated state."""

from __future__ import annotations


def truth_flags(w, wr) -> list[tuple[str, str, str, str, str]]:
    return []
