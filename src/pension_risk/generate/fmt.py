"""Vectorised formatting helpers (numpy -> pyarrow string arrays -> object arrays)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.array(list("10X98765432"), dtype=object)


def pad(nums: np.ndarray, width: int, prefix: str = "") -> pa.Array:
    s = pc.utf8_lpad(pc.cast(pa.array(np.asarray(nums, dtype=np.int64)), pa.string()), width, "0")
    if prefix:
        s = pc.binary_join_element_wise(prefix, s, "")
    return s


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(np.asarray(days, dtype=np.int32), type=pa.int32(), mask=null).cast(pa.date32())
    return pc.cast(arr, pa.string())


def stamps(secs: np.ndarray) -> pa.Array:
    arr = pa.array(np.asarray(secs, dtype=np.int64), type=pa.timestamp("s"))
    return pc.strftime(arr, format="%Y-%m-%d %H:%M:%S")


def money(cents: np.ndarray) -> pa.Array:
    c = np.asarray(cents, dtype=np.int64)
    a = np.abs(c)
    whole = pc.cast(pa.array(a // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(a % 100), pa.string()), 2, "0")
    sign = pa.array(np.where(c < 0, "-", ""))
    return pc.binary_join_element_wise(sign, whole, ".", frac, "")


def months(mis: np.ndarray) -> pa.Array:
    m = np.asarray(mis, dtype=np.int64)
    y = pc.cast(pa.array(m // 12), pa.string())
    mm = pc.utf8_lpad(pc.cast(pa.array(m % 12 + 1), pa.string()), 2, "0")
    return pc.binary_join_element_wise(y, mm, "-")


def obj(arr: pa.Array) -> np.ndarray:
    return arr.to_numpy(zero_copy_only=False)


def id_numbers(addr: np.ndarray, birth_days: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """18-char id numbers (object array) from address codes (int), birth day numbers, sequence."""
    bd = pc.strftime(pa.array(np.asarray(birth_days, dtype=np.int32), type=pa.int32()).cast(pa.date32())
                     .cast(pa.timestamp("s")), format="%Y%m%d")
    first17 = pc.binary_join_element_wise(pc.cast(pa.array(np.asarray(addr, dtype=np.int64)), pa.string()), bd,
                                          pc.utf8_lpad(pc.cast(pa.array(np.asarray(seq, dtype=np.int64)),
                                                               pa.string()), 3, "0"), "")
    f = obj(first17).astype("U17")
    digits = f.view("U1").reshape(-1, 17).astype(np.int64)
    check = _CHECK[(digits @ _WEIGHTS) % 11]
    return (f.astype(object) + check).astype(object)


def check_chars(first17: np.ndarray) -> np.ndarray:
    f = np.asarray(first17).astype("U17")
    digits = f.view("U1").reshape(-1, 17).astype(np.int64)
    return _CHECK[(digits @ _WEIGHTS) % 11]
