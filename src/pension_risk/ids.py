"""公民身份号码 (GB 11643-1999) helpers, the Python twin of dbt macro normalize_id."""

from __future__ import annotations

import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_RE18 = re.compile(r"^[0-9]{17}[0-9X]$")
_RE15 = re.compile(r"^[0-9]{15}$")


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id(raw: str | None) -> str | None:
    """Trim, upper-case, upgrade 15 -> 18; None when the number fails its check."""
    if raw is None:
        return None
    s = raw.strip().upper()
    if _RE18.match(s):
        return s if check_char(s[:17]) == s[17] else None
    if _RE15.match(s):
        first17 = s[:6] + "19" + s[6:]
        return first17 + check_char(first17)
    return None


def to_legacy15(id18: str) -> str:
    """The legacy 15-digit form of an 18-digit number born in the 1900s."""
    assert id18[6:8] == "19", id18
    return id18[:6] + id18[8:17]
