"""Build the official PRC work calendar seed (seeds/work_calendar.csv).

工作日历: one row per date with whether it is an official working day. Weekends
are off unless designated 调休 working days (调休上班); statutory holidays
(法定节假日, including the weekdays taken off in lieu) are off. Source: the
``chinesecalendar`` package (``import chinese_calendar``), which follows the
State Council's yearly holiday notices.

The seed is the reference data the rules read (RULES.md "working time"); to cover a
future year either rerun this script with a newer ``chinesecalendar`` and a larger
``--to`` date, or append the rows by hand: no SQL changes.

Usage: python scripts/build_work_calendar.py [--from 2019-01-01] [--to 2026-12-31] [--out seeds/work_calendar.csv]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import chinese_calendar

# chinese_calendar's English holiday names -> the official Chinese names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "seeds" / "work_calendar.csv"
COLUMNS = ["calendar_date", "is_working_day", "day_type", "holiday_name"]


def calendar_rows(start: dt.date, end: dt.date) -> list[dict[str, str]]:
    """One row per date in [start, end]: is_working_day, day_type, holiday_name."""
    rows = []
    day = start
    while day <= end:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        name_zh = HOLIDAY_NAMES_ZH.get(name, name) if name else ""
        weekend = day.weekday() >= 5
        if is_holiday and name:
            day_type = "法定节假日"
        elif is_holiday:
            day_type = "周末"
        elif weekend:
            day_type = "调休上班"  # a weekend day designated as a working day
        else:
            day_type = "工作日"
        rows.append(
            {
                "calendar_date": day.isoformat(),
                "is_working_day": "false" if is_holiday else "true",
                "day_type": day_type,
                "holiday_name": name_zh,
            }
        )
        day += dt.timedelta(days=1)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", default="2019-01-01")
    parser.add_argument("--to", dest="end", default="2026-12-31")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    rows = calendar_rows(dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} dates to {args.out}")


if __name__ == "__main__":
    main()
