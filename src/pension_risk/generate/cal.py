"""Dates, months and the official PRC working calendar (chinesecalendar)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import chinese_calendar
import numpy as np

EPOCH = dt.date(1970, 1, 1)


def mi(d: dt.date) -> int:
    """Month index (year*12 + month-1)."""
    return d.year * 12 + d.month - 1


def mi_date(m: int, day: int = 1) -> dt.date:
    return dt.date(m // 12, m % 12 + 1, day)


def month_str(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def day_num(d: dt.date) -> int:
    return (d - EPOCH).days


def num_day(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def month_end(m: int) -> dt.date:
    return mi_date(m + 1) - dt.timedelta(days=1)


def add_months(d: dt.date, months: int) -> dt.date:
    m = mi(d) + months
    last = month_end(m).day
    return mi_date(m, min(d.day, last))


@cache
def is_workday(d: dt.date) -> bool:
    """Official working day; outside the calendar's years, Monday-Friday."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return d.weekday() < 5


def workday_mask(first: int, last: int) -> np.ndarray:
    """Boolean per day number in [first, last]."""
    return np.array([is_workday(num_day(n)) for n in range(first, last + 1)], dtype=bool)


def next_workday(d: dt.date) -> dt.date:
    while not is_workday(d):
        d += dt.timedelta(days=1)
    return d


def is_working_time(ts: dt.datetime) -> bool:
    return is_workday(ts.date()) and 8 <= ts.hour < 18


def special_days(start: dt.date, end: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(a 调休 weekend working day, a weekday statutory holiday) in [start, end], preferring
    2021-09-26 / 2021-10-03, then 2021-02-07 / 2021-02-13, else the latest ones."""
    for wk, hol in ((dt.date(2021, 9, 26), dt.date(2021, 10, 3)), (dt.date(2021, 2, 7), dt.date(2021, 2, 13))):
        if start <= wk <= end and start <= hol <= end:
            return wk, hol
    wk = hol = None
    d = end
    while d >= start and (wk is None or hol is None):
        if wk is None and d.weekday() >= 5 and is_workday(d):
            wk = d
        if hol is None and d.weekday() < 5 and not is_workday(d):
            hol = d
        d -= dt.timedelta(days=1)
    return wk, hol
