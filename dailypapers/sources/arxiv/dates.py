"""The date formats arXiv's interfaces use, parsed into timezone-aware values.

- RFC 822 (arXivRaw versions, the snapshot, RSS): ``Mon, 2 Apr 2007 19:18:42 GMT``
- ISO 8601 (Atom): ``2006-01-02T14:57:58Z``, ``2024-08-23T00:00:00-04:00``
- plain dates (OAI datestamps, ``created``): ``2014-12-29``

Naive inputs are read as UTC, which is what arXiv means by them. Nothing else lives here.
"""

from __future__ import annotations

import datetime as dt
import email.utils

from dailypapers.sources.arxiv.errors import MalformedResponse


def parse_rfc822(text: str) -> dt.datetime:
    try:
        value = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError) as exc:
        raise MalformedResponse(f"not an RFC 822 date: {text!r}") from exc
    return _aware(value)


def parse_iso_datetime(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise MalformedResponse(f"not an ISO 8601 date-time: {text!r}") from exc
    return _aware(value)


def parse_any_datetime(text: str) -> dt.datetime:
    """ISO 8601 or RFC 822, whichever the text is; feeds of one kind have used both."""
    try:
        return parse_iso_datetime(text)
    except MalformedResponse:
        return parse_rfc822(text)


def parse_day(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` date; a full ISO date-time gives its (UTC) date."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    return parse_iso_datetime(text).astimezone(dt.UTC).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight UTC of a day, for sources that only give a date where we store a date-time."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
