"""The trending order on constructed cases (the formula and its reasons: docs/trending.md)."""

import datetime as dt

import pytest

from dailypapers.papers.models import DailyEntry
from dailypapers.papers.queries import trending_score
from dailypapers.papers.writing import save_daily_entries
from dailypapers.sources.records import DailyRecord
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 28, 12, tzinfo=dt.UTC)


def listed(title: str, votes: int, hours_ago: float) -> None:
    paper = make_paper(title, upstream_upvotes=votes)
    at = NOW - dt.timedelta(hours=hours_ago)
    save_daily_entries([DailyRecord(paper.arxiv_id, at.date(), at)])


def order() -> list[str]:
    return [entry.paper.title for entry in DailyEntry.objects.trending(NOW)]


def test_with_equal_votes_the_newer_paper_ranks_first():
    listed("Older", 50, hours_ago=30)
    listed("Newer", 50, hours_ago=6)
    assert order() == ["Newer", "Older"]


def test_a_much_more_voted_older_paper_still_beats_a_fresh_one_with_few_votes():
    listed("Yesterday's hit", 200, hours_ago=26)
    listed("This morning's", 10, hours_ago=3)
    assert order() == ["Yesterday's hit", "This morning's"]


def test_a_fresh_paper_overtakes_an_old_one_once_it_has_a_fair_share_of_its_votes():
    # 5 days old with 300 votes against 6 hours old: the break-even is near 300 * (8/122)^1.2.
    listed("Last week's", 300, hours_ago=120)
    listed("Fresh", 15, hours_ago=6)
    assert order() == ["Fresh", "Last week's"]


def test_papers_older_than_the_window_do_not_trend_at_all():
    listed("Ancient", 10_000, hours_ago=24 * 9)
    listed("Recent", 1, hours_ago=2)
    assert order() == ["Recent"]


def test_our_own_upvotes_count_like_upstream_ones():
    listed("A", 10, hours_ago=5)
    listed("B", 9, hours_ago=5)
    from dailypapers.papers.models import Paper
    from dailypapers.papers.voting import set_vote
    from tests.support.personas import make_user

    for name in ("u1", "u2"):
        set_vote(make_user(name), Paper.objects.get(title="B"), True)
    assert order() == ["B", "A"]


def test_the_score_falls_with_age_and_rises_with_votes():
    assert trending_score(10, 1) > trending_score(10, 2) > trending_score(10, 48)
    assert trending_score(11, 5) > trending_score(10, 5)
    assert trending_score(0, 0) == 0
