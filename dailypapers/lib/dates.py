"""Calendar periods of the daily lists: a day, an ISO week (YYYY-Www) or a month (YYYY-MM).

Parsing is strict: anything that is not a real period raises ``ValueError`` with a message a
person can read, so views can answer 404 and the API 400. That includes periods at the edge of
the calendar (``0001-01-01``, ``9999-12``): a page shows the previous and next period, and
Python's dates end at year 9999, so only days from ``FIRST_DAY`` to ``LAST_DAY`` are parsed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# ASCII digits only: "\d" would also read fullwidth digits as a month, another spelling of a URL.
WEEK = re.compile(r"^([0-9]{4})-W([0-9]{2})$")
MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# Every period within these days has a previous and a next one that Python can name.
FIRST_DAY = dt.date(2, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)


@dataclass(frozen=True)
class Period:
    """An inclusive range of days with its own name and neighbours."""

    kind: str  # "date", "week" or "month"
    first: dt.date
    last: dt.date

    @property
    def key(self) -> str:
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return self.first.strftime("%Y-%m")
        return self.first.isoformat()

    @property
    def label(self) -> str:
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"Week {week}, {year}"
        if self.kind == "month":
            return self.first.strftime("%B %Y")
        return self.first.strftime("%b %-d, %Y")

    def previous(self) -> Period:
        return period_containing(self.kind, self.first - dt.timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.last + dt.timedelta(days=1))


def period_containing(kind: str, day: dt.date) -> Period:
    if kind == "week":
        first = day - dt.timedelta(days=day.weekday())
        return Period("week", first, first + dt.timedelta(days=6))
    if kind == "month":
        first = day.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return Period("month", first, following - dt.timedelta(days=1))
    return Period("date", day, day)


def parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else _bad(text, "YYYY-MM-DD")
    except ValueError:
        raise ValueError(f"{text!r} is not a date of the form YYYY-MM-DD") from None
    return _in_range(day, text)


def parse_week(text: str) -> Period:
    match = WEEK.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a week of the form YYYY-Www")
    try:
        first = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a week of that year") from None
    return period_containing("week", _in_range(first, text))


def parse_month(text: str) -> Period:
    match = MONTH.match(text)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ValueError(f"{text!r} is not a month of the form YYYY-MM")
    return period_containing("month", _in_range(dt.date(int(match[1]), int(match[2]), 1), text))


def parse_period(kind: str, text: str) -> Period:
    if kind == "week":
        return parse_week(text)
    if kind == "month":
        return parse_month(text)
    return period_containing("date", parse_day(text))


def _in_range(day: dt.date, text: str) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{text!r} is out of range: the site knows {FIRST_DAY} to {LAST_DAY}")
    return day


def _bad(text: str, form: str) -> dt.date:
    raise ValueError(f"{text!r} is not of the form {form}")


def short_date(value: dt.date | dt.datetime, today: dt.date) -> str:
    """'Oct 13' within the current year, 'Aug 23, 2023' otherwise (as Hugging Face shows)."""
    if value.year == today.year:
        return f"{value:%b} {value.day}"
    return f"{value:%b} {value.day}, {value.year}"
