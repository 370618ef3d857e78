import datetime as dt

import pytest
from django.contrib.auth.models import User

from dailypapers.papers.models import DailyEntry, Paper, Upvote
from dailypapers.papers.queries import trending_score
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


def test_a_day_lists_its_papers_by_upstream_plus_own_upvotes():
    low = make_paper("Low", upstream_upvotes=5)
    high = make_paper("High", upstream_upvotes=4)
    for paper in (low, high):
        list_on(paper, DAY)
    # Two of our own users upvote "High": 4 + 2 beats 5.
    for name in ("alice", "bob"):
        Upvote.objects.create(user=User.objects.create(username=name), paper=high)
    high.upvote_count = 2
    high.save()
    titles = [e.paper.title for e in DailyEntry.objects.on_day(DAY)]
    assert titles == ["High", "Low"]
    assert DailyEntry.objects.on_day(DAY)[0].paper.upvotes == 6


def test_hidden_papers_are_left_off_lists():
    shown, hidden = make_paper("Shown"), make_paper("Hidden")
    list_on(shown, DAY)
    list_on(hidden, DAY)
    hidden.hidden = True
    hidden.save()
    assert [e.paper.title for e in DailyEntry.objects.on_day(DAY)] == ["Shown"]
    assert DailyEntry.latest_date() == DAY


def test_a_week_ranks_the_papers_of_all_its_days():
    for offset, votes in enumerate([3, 30, 10]):
        list_on(make_paper(f"Day {offset}", upstream_upvotes=votes), DAY + dt.timedelta(offset))
    list_on(make_paper("Next week", upstream_upvotes=99), DAY + dt.timedelta(days=7))
    entries = DailyEntry.objects.between(DAY, DAY + dt.timedelta(days=6))
    assert [e.paper.title for e in entries] == ["Day 1", "Day 2", "Day 0"]


def test_a_fresh_paper_outranks_an_older_one_with_somewhat_more_votes():
    assert trending_score(20, age_hours=12) > trending_score(40, age_hours=72)
    assert trending_score(100, age_hours=72) > trending_score(10, age_hours=12)
    assert trending_score(10, age_hours=5) > trending_score(10, age_hours=6)


def test_trending_keeps_the_last_week_ranked_by_decayed_votes():
    now = dt.datetime(2026, 5, 27, 12, tzinfo=dt.UTC)
    list_on(make_paper("Today, a few", upstream_upvotes=15), dt.date(2026, 5, 27))
    list_on(make_paper("Three days ago, many", upstream_upvotes=200), dt.date(2026, 5, 24))
    list_on(make_paper("Three days ago, few", upstream_upvotes=5), dt.date(2026, 5, 24))
    list_on(make_paper("Two weeks ago, most", upstream_upvotes=900), dt.date(2026, 5, 13))
    titles = [e.paper.title for e in DailyEntry.objects.trending(now)]
    assert titles == ["Three days ago, many", "Today, a few", "Three days ago, few"]


def test_trending_of_a_paused_instance_shows_its_last_week():
    list_on(make_paper("Old news", upstream_upvotes=3), dt.date(2026, 1, 5))
    entries = DailyEntry.objects.trending(dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
    assert [e.paper.title for e in entries] == ["Old news"]


def test_a_category_matches_whole_names_only_for_papers_and_entries():
    parsing = make_paper("Parsing", categories=["cs.CL", "cs.LG"])
    other = make_paper("Other", categories=["cs.CLX"], abstract="Mentions cs.CL in its text.")
    for paper in (parsing, other):
        list_on(paper, DAY)
    assert list(Paper.objects.in_category("cs.CL")) == [parsing]
    assert list(Paper.objects.in_category("cs.LG")) == [parsing]
    assert [e.paper for e in DailyEntry.objects.on_day(DAY).in_category("cs.CL")] == [parsing]
    assert not Paper.objects.in_category("cs").exists()
