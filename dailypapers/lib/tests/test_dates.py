import datetime as dt

import pytest

from dailypapers.lib.dates import parse_period, short_date


def test_a_week_runs_from_monday_to_sunday():
    week = parse_period("week", "2026-W21")
    assert (week.first, week.last) == (dt.date(2026, 5, 18), dt.date(2026, 5, 24))
    assert week.key == "2026-W21"


def test_weeks_cross_years_by_the_iso_calendar():
    week = parse_period("week", "2026-W01")
    assert week.first == dt.date(2025, 12, 29)
    assert week.previous().key == "2025-W52"
    assert parse_period("week", "2020-W53").next().key == "2021-W01"


def test_a_month_knows_its_last_day_and_neighbours():
    month = parse_period("month", "2024-02")
    assert month.last == dt.date(2024, 2, 29)
    assert month.previous().key == "2024-01"
    assert parse_period("month", "2025-12").next().key == "2026-01"


def test_a_day_moves_one_day_at_a_time():
    day = parse_period("date", "2026-03-01")
    assert day.previous().key == "2026-02-28"
    assert day.next().key == "2026-03-02"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("date", "2026-13-01"),
        ("date", "2026-02-30"),
        ("date", "20260101"),
        ("date", "2026-1-1"),
        ("date", "tomorrow"),
        ("week", "2026-W54"),
        ("week", "2026-W00"),
        ("week", "2026-21"),
        ("month", "2026-00"),
        ("month", "2026-13"),
        ("month", "0000-01"),
        ("month", "2026-5"),
    ],
)
def test_it_rejects_what_is_not_a_real_period(kind, text):
    with pytest.raises(ValueError, match="is not"):
        parse_period(kind, text)


def test_short_dates_drop_the_year_only_within_the_current_year():
    today = dt.date(2026, 11, 28)
    assert short_date(dt.date(2026, 10, 13), today) == "Oct 13"
    assert short_date(dt.date(2023, 8, 23), today) == "Aug 23, 2023"
