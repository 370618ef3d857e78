"""List pages keep each paper's rendered card per process, keyed by the rows it shows: a card
is never stale, a signed-in reader still sees their own vote, the store stays bounded, and a
page of cards takes a fixed number of queries."""

import datetime as dt

import pytest

from dailypapers.papers import cards
from dailypapers.papers.models import Paper
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
