"""Billing periods are calendar months, written YYYY-MM."""

from __future__ import annotations

import datetime as dt
import os


def first_period() -> str:
    """The first billable period (M2C_FIRST_PERIOD, for utilities with older history; else 2024-01)."""
    return os.environ.get("M2C_FIRST_PERIOD") or "2024-01"


def partitions_end() -> str | None:
    """The exclusive end (YYYY-MM) of the billing periods: the month after M2C_LAST_PERIOD (YYYY-MM), or
    None (the last complete month) when it is not set or malformed."""
    last = os.environ.get("M2C_LAST_PERIOD") or ""
    try:
        return f"{month_add(dt.date.fromisoformat(f'{last}-01'), 1):%Y-%m}"
    except ValueError:
        return None


def month_add(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def periods_between(first: str, last: str) -> list[str]:
    start = dt.date.fromisoformat(f"{first}-01")
    end = dt.date.fromisoformat(f"{last}-01")
    periods = []
    while start <= end:
        periods.append(f"{start:%Y-%m}")
        start = month_add(start, 1)
    return periods
