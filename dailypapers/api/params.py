"""Reading the API's query parameters strictly: a value that does not parse is a 400 that says
what was expected (unlike the HTML pages, which drop what they cannot read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from dailypapers.api.responses import ApiError
from dailypapers.lib.dates import Period, parse_day, parse_month, parse_week, period_containing
from dailypapers.sources.arxiv.categories import is_category

MAX_PAGE = 10_000  # p beyond this is a mistake or a crawler; the offset must stay an int64
MAX_QUERY = 250
MAX_PARAM = 1_000  # any other parameter longer than this is not one of ours


def integer(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    # ASCII digits only: int() also reads fullwidth and Arabic-Indic digits.
    if len(text) > 20 or not text.isascii() or not text.strip().lstrip("-").isdigit():
        raise ApiError(400, f"{name} must be an integer from {low} to {high}, not {text[:40]!r}")
    value = int(text)
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be from {low} to {high}, not {value}")
    return value


def text(params: Mapping[str, str], name: str, max_length: int = MAX_PARAM) -> str:
    value = params.get(name, "")
    if len(value) > max_length:
        raise ApiError(400, f"{name} must be at most {max_length} characters long")
    if "\x00" in value:
        raise ApiError(400, f"{name} must not contain NUL characters")
    return value.strip()


def period(params: Mapping[str, str]) -> Period | None:
    """The one of ``date``, ``week`` or ``month`` that is given, or None."""
    given = [name for name in ("date", "week", "month") if params.get(name)]
    if len(given) > 1:
        raise ApiError(400, f"give only one of date, week and month, not {' and '.join(given)}")
    if not given:
        return None
    name = given[0]
    value = text(params, name, 40)
    try:
        if name == "date":
            return period_containing("date", parse_day(value))
        return parse_week(value) if name == "week" else parse_month(value)
    except (ValueError, OverflowError) as error:
        raise ApiError(400, f"{name}: {error}") from None


def category(params: Mapping[str, str]) -> str:
    value = text(params, "category", 40)
    if value and not is_category(value):
        raise ApiError(400, f"category must be an arXiv category such as cs.CL, not {value!r}")
    return value


def day(value: str) -> dt.date:
    try:
        return parse_day(value)
    except ValueError as error:
        raise ApiError(400, str(error)) from None
