"""Papers by id through the arXiv API, and today's announcements through RSS then the API."""

import datetime as dt

import pytest

from dailypapers.papers.ingest.announcements import sync_announcements
from dailypapers.papers.ingest.arxiv_api import fetch_papers
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.tests.upstream import FIXTURES, FakeClock, client, recorded
from dailypapers.sources.arxiv.errors import ArxivApiError, InvalidArxivId
from tests.support.scripted_server import respond

pytestmark = pytest.mark.django_db
RSS = "arxiv/rss/handwritten_rss2_cs.CL+cs.AI.xml"
API_ANSWER = FIXTURES.parent / "ingest" / "handwritten_api_rss_ids.xml"


def test_it_fetches_a_paper_with_its_34_authors_in_order(upstream):
    server = upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    result = fetch_papers(["https://arxiv.org/abs/1707.08567v1"], client(FakeClock()))
    assert result.counts.created == 1 and not result.missing
    assert server.queries()[0]["id_list"] == "1707.08567"
    paper = Paper.objects.get(arxiv_id="1707.08567")
    assert len(paper.author_names) == 34
    assert paper.author_names[0] == paper.authors.order_by("authorship__position")[0].name


def test_an_id_arxiv_does_not_return_is_reported_missing(upstream):
    upstream(recorded("arxiv/api/id_0000.0000_empty.xml"))
    result = fetch_papers(["2501.00001"], client(FakeClock()))
    assert result.missing == ["2501.00001"]
    assert not Paper.objects.exists()


def test_the_apis_400_is_a_clear_error(upstream):
    upstream(recorded("arxiv/api/id_abc_http400.xml", status=400))
    with pytest.raises(ArxivApiError):
        fetch_papers(["2501.00001"], client(FakeClock()))


def test_text_that_is_no_arxiv_id_is_refused_before_any_request(upstream):
    server = upstream()
    with pytest.raises(InvalidArxivId):
        fetch_papers(["not-an-id"], client(FakeClock()))
    assert server.requests == []


def test_announcements_bring_new_papers_with_their_day_and_new_versions(upstream):
    server = upstream(recorded(RSS), respond(200, API_ANSWER.read_bytes()))
    result = sync_announcements(["cs.CL", "cs.AI"], client(FakeClock()))
    assert server.queries()[1]["id_list"] == "2510.04265,2510.02343,2510.04859,2203.01250"
    assert dict(result.by_type) == {"new": 1, "replace": 1, "cross": 1, "replace-cross": 1}
    assert result.missing == ["2203.01250"]
    new, replaced, cross = (
        Paper.objects.get(arxiv_id=i) for i in ("2510.04265", "2510.02343", "2510.04859")
    )
    assert new.announced_on == cross.announced_on == result.announced_on
    assert replaced.announced_on is None  # a replacement is not a first announcement
    assert replaced.version == 2
    assert not DailyEntry.objects.exists()  # the daily list is the community's


def test_announcements_can_fill_the_daily_list_when_asked(upstream):
    upstream(recorded(RSS), respond(200, API_ANSWER.read_bytes()))
    result = sync_announcements(["cs.CL", "cs.AI"], client(FakeClock()), to_daily_list=True)
    assert result.listed == 2
    assert set(DailyEntry.objects.values_list("paper__arxiv_id", "date")) == {
        ("2510.04265", result.announced_on),
        ("2510.04859", result.announced_on),
    }


def test_a_weekend_feed_fetches_nothing_more(upstream):
    server = upstream(recorded("arxiv/rss/handwritten_rss2_empty_saturday.xml"))
    result = sync_announcements(["cs.AI"], client(FakeClock()))
    assert len(server.requests) == 1
    assert result.counts.created == 0


def test_requests_to_arxiv_are_3_seconds_apart(upstream):
    clock = FakeClock()
    upstream(recorded(RSS), respond(200, API_ANSWER.read_bytes()))
    start = clock.now()
    sync_announcements(["cs.CL", "cs.AI"], client(clock))
    assert clock.now() - start >= dt.timedelta(seconds=3)
    assert clock.sleeps == [3.0]
