"""The daily, weekly, monthly and trending pages."""

import datetime as dt

import pytest

from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def two_days():
    first = make_paper(
        "Yesterday's paper", upstream_upvotes=3, authors=["A", "B", "C"], organization="DeepSeek"
    )
    list_on(first, DAY - dt.timedelta(days=1), organization="DeepSeek")
    for title, votes in [("Quiet paper", 2), ("Loud paper", 40)]:
        list_on(make_paper(title, upstream_upvotes=votes), DAY)


def test_papers_shows_the_newest_day_sorted_by_upvotes(client, two_days):
    response = client.get("/papers")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Loud paper") < html.index("Quiet paper")
    assert "Yesterday&#x27;s paper" not in html
    assert "May 20, 2026" in html
    assert 'href="/papers/date/2026-05-19"' in html  # previous day
    assert "Next day" not in html  # nothing after the newest day


def test_a_day_page_links_back_and_forth(client, two_days):
    html = client.get("/papers/date/2026-05-19").content.decode()
    assert "Yesterday&#x27;s paper" in html
    assert "3 authors" in html
    assert "DeepSeek" in html
    assert 'rel="prev"' not in html  # no earlier day has papers (test_daily_fill.py)
    assert 'href="/papers/date/2026-05-20"' in html


def test_an_empty_day_says_so(client, two_days):
    response = client.get("/papers/date/2026-05-10")
    assert response.status_code == 200
    assert "No papers were listed on this day" in response.content.decode()


def test_a_week_shows_its_top_papers_from_every_day(client, two_days):
    html = client.get("/papers/week/2026-W21").content.decode()
    assert "Top papers of Week 21, 2026" in html
    assert html.index("Loud paper") < html.index("Yesterday&#x27;s paper") < html.index("Quiet")
    assert 'href="/papers/week/2026-W20"' in html


def test_a_month_shows_its_top_papers(client, two_days):
    html = client.get("/papers/month/2026-05").content.decode()
    assert "Top papers of May 2026" in html
    assert "Loud paper" in html
    assert 'href="/papers/month/2026-04"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/papers/date/2026-13-01",
        "/papers/date/2026-02-30",
        "/papers/date/yesterday",
        "/papers/week/2026-W99",
        "/papers/week/2026-21",
        "/papers/month/2026-13",
        "/papers/month/26-05",
    ],
)
def test_a_bad_date_is_a_404_page_not_an_error(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_a_bad_page_number_falls_back_to_a_valid_page(client, two_days):
    for page in ("0", "-3", "abc", "99999"):
        assert client.get(f"/papers?page={page}").status_code == 200


def test_trending_ranks_recent_papers(client, two_days):
    html = client.get("/papers/trending").content.decode()
    assert html.index("Loud paper") < html.index("Quiet paper")


def test_the_home_page_sends_visitors_to_the_papers(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/papers"


def test_pages_invite_to_subscribe_and_thank_arxiv(client, two_days):
    html = client.get("/papers").content.decode()
    assert "Get trending papers in your email inbox!" in html
    assert "Thank you to arXiv for use of its open access interoperability." in html


def test_anonymous_list_pages_are_cached(client, two_days, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert "Loud paper" in client.get("/papers").content.decode()
    list_on(make_paper("Late arrival", upstream_upvotes=99), DAY)
    assert "Late arrival" not in client.get("/papers").content.decode()
    settings.PAGE_CACHE_SECONDS = 0
    assert "Late arrival" in client.get("/papers").content.decode()


def test_a_visitor_with_a_waiting_message_gets_a_fresh_page(client, two_days, settings):
    settings.PAGE_CACHE_SECONDS = 60
    client.get("/papers")  # cached for anonymous visitors
    list_on(make_paper("Late arrival", upstream_upvotes=99), DAY)
    client.cookies["messages"] = "anything"
    assert "Late arrival" in client.get("/papers").content.decode()


def test_browsers_are_told_not_to_reuse_a_cached_page_unchecked(client, two_days, settings):
    settings.PAGE_CACHE_SECONDS = 60
    for _ in range(2):  # a fresh page, then the server's cached copy
        response = client.get("/papers")
        assert response["Cache-Control"] == "no-cache"
        assert "Expires" not in response
