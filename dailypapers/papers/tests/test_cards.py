"""List pages keep each paper's rendered card per process, keyed by the rows it shows: a card
is never stale, a signed-in reader still sees their own vote, the store stays bounded, and a
page of cards takes a fixed number of queries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from dailypapers.papers import cards
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.tests.test_people import claim
from tests.support.personas import make_user
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)
PAGE = "/papers/date/2026-05-20"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0  # the cards are what is tested, not the whole page's cache


@pytest.fixture
def listed():
    paper = make_paper("Kept card paper", upstream_upvotes=3, authors=["A", "B"])
    list_on(paper, DAY)
    return paper


def test_a_card_shows_what_was_stored_since_it_was_kept(client, listed):
    assert "Kept card paper" in client.get(PAGE).content.decode()
    Paper.objects.filter(pk=listed.pk).update(
        title="Renamed paper", upstream_upvotes=41, ai_summary="A fresh summary."
    )
    html = client.get(PAGE).content.decode()
    assert "Renamed paper" in html and "Kept card paper" not in html
    assert '<span class="count">41</span>' in html
    assert "A fresh summary." in html


def test_a_kept_card_is_served_again_without_rendering(client, listed, monkeypatch):
    first = client.get(PAGE).content.decode()
    monkeypatch.setattr(cards, "render_to_string", pytest.fail)  # any render now fails
    assert client.get(PAGE).content.decode() == first


def test_a_signed_in_reader_sees_their_own_vote_beside_a_kept_card(client, alice, listed):
    assert 'title="Log in to upvote"' in client.get(PAGE).content.decode()  # kept, anonymous
    client.force_login(alice)
    client.post(f"/papers/{listed.arxiv_id}/vote", {"vote": "1"})
    html = client.get(PAGE).content.decode()
    assert 'aria-pressed="true"' in html
    assert "Log in to upvote" not in html
    assert '<span class="count">4</span>' in html


def test_the_store_keeps_at_most_max_cards(client, monkeypatch):
    monkeypatch.setattr(cards, "MAX_CARDS", 3)
    for n in range(5):
        list_on(make_paper(f"Paper {n}"), DAY)
    html = client.get(PAGE).content.decode()
    assert all(f"Paper {n}" in html for n in range(5))
    assert len(cards._cards) == 3


def test_a_day_of_fifty_papers_takes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    for n in range(50):
        list_on(make_paper(f"Paper {n}", authors=["A"], organization="DeepSeek"), DAY)
    with django_assert_max_num_queries(8):
        assert client.get(PAGE).status_code == 200


def test_a_claim_confirmed_after_a_card_was_kept_shows_on_it(client, listed):
    assert "claim-mark" not in client.get(PAGE).content.decode()
    grace = make_user("grace")
    claim(grace, listed, "A")
    assert "confirmed as @grace" in client.get(PAGE).content.decode()


def test_a_submitters_new_name_shows_on_a_kept_card(client, listed):
    grace = make_user("grace")
    DailyEntry.objects.filter(paper=listed).update(submitted_by=grace)
    assert ">grace</a>" in client.get(PAGE).content.decode()
    get_user_model().objects.filter(pk=grace.pk).update(username="grace2")
    html = client.get(PAGE).content.decode()
    assert ">grace2</a>" in html and ">grace</a>" not in html


def test_a_kept_day_is_three_queries_and_no_count(
    client, listed, settings, django_assert_num_queries
):
    settings.DAILY_FILL_BELOW = 0  # a day of few papers would also look for announcements
    client.get(PAGE)
    # The page's rows, their confirmed claims, the days before and after: a day that fits on
    # one page is counted from its rows.
    with django_assert_num_queries(3):
        assert client.get(PAGE).status_code == 200


def test_a_long_month_is_paged_with_the_rest_on_page_two(client):
    for n in range(53):
        list_on(make_paper(f"Monthly {n:02d}", upstream_upvotes=n), DAY)
    first = client.get("/papers/month/2026-05").content.decode()
    second = client.get("/papers/month/2026-05?page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert first.count('class="entry"') == 50 and second.count('class="entry"') == 3
    assert "Monthly 52" in first and "Monthly 00" in second  # most upvoted first
    beyond = client.get("/papers/month/2026-05?page=9").content.decode()
    assert "Page 2 of 2" in beyond, "a page past the end shows the last one"
