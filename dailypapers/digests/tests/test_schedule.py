import datetime as dt

from dailypapers.digests.models import Subscription

UTC = dt.UTC


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, tzinfo=UTC)  # May 18, 2026 is a Monday


def test_daily_digests_are_due_on_weekday_mornings():
    daily = Subscription(frequency="daily")
    assert daily.schedule_after(at(18, 6)) == at(18, 7)  # Monday, before the hour
    assert daily.schedule_after(at(18, 7)) == at(19, 7)  # strictly later
    assert daily.schedule_after(at(22, 8)) == at(25, 7)  # Friday after the hour -> Monday


def test_weekly_digests_are_due_on_mondays():
    weekly = Subscription(frequency="weekly")
    assert weekly.schedule_after(at(19)) == at(25, 7)
    assert weekly.schedule_after(at(25, 7)) == dt.datetime(2026, 6, 1, 7, tzinfo=UTC)


def test_a_period_covers_the_days_since_the_previous_digest():
    daily = Subscription(frequency="daily")
    assert daily.period_of(at(19, 7)) == ("2026-05-19", dt.date(2026, 5, 18), dt.date(2026, 5, 18))
    monday = daily.period_of(at(25, 7))
    assert monday == ("2026-05-25", dt.date(2026, 5, 22), dt.date(2026, 5, 24))
    weekly = Subscription(frequency="weekly").period_of(at(25, 7))
    assert weekly == ("2026-W21", dt.date(2026, 5, 18), dt.date(2026, 5, 24))
