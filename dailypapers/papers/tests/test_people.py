"""Who stands behind a paper on the pages: "Submitted by" with an avatar, confirmed authors
marked on every list and the paper page, "Upvoted by", and the public collections including
the paper; never a private collection, a pending claim or a suspended account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.papers import cards
from dailypapers.papers.models import Author, AuthorshipClaim, DailyEntry
from dailypapers.papers.voting import set_vote
from tests.support.personas import make_user
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 20)
MARK = 'class="claim-mark"'


@pytest.fixture
def paper(alice, bob):
    paper = make_paper(
        "Sparse attention for long documents",
        arxiv_id="2605.12345",
        authors=["Grace Hopper", "Alan Turing"],
    )
    list_on(paper, DAY)
    DailyEntry.objects.filter(paper=paper).update(submitted_by=bob)
    return paper


def claim(user, paper, name, status=AuthorshipClaim.Status.CONFIRMED):
    return AuthorshipClaim.objects.create(
        user=user, paper=paper, author=Author.objects.get(name=name), status=status
    )


def test_the_paper_page_says_who_submitted_it_with_an_avatar(client, paper):
    html = client.get("/papers/2605.12345").content.decode()
    submitter = html[html.index('class="submitter"') :][:600]
    assert 'class="avatar small"' in submitter and ">bob</a>" in submitter


def test_a_card_says_who_submitted_it_with_an_avatar(client, paper):
    html = client.get(f"/papers/date/{DAY}").content.decode()
    submitter = html[html.index('class="submitter"') :][:600]
    assert 'class="avatar small"' in submitter and ">bob</a>" in submitter


@pytest.mark.parametrize(
    "url", [f"/papers/date/{DAY}", "/papers/week/2026-W21", "/papers/month/2026-05", "/papers"]
)
def test_a_confirmed_author_is_marked_on_the_lists(client, paper, alice, url):
    claim(alice, paper, "Grace Hopper")
    html = client.get(url).content.decode()
    assert html.count(MARK) == 1
    assert "confirmed as @alice" in html and "/users/alice" in html


def test_a_confirmed_author_is_marked_in_search_results(client, paper, alice):
    claim(alice, paper, "Grace Hopper")
    html = client.get("/papers?q=sparse+attention").content.decode()
    assert html.count(MARK) == 1 and "confirmed as @alice" in html


def test_a_pending_or_rejected_claim_is_not_shown(client, paper, alice, bob):
    claim(alice, paper, "Grace Hopper", AuthorshipClaim.Status.PENDING)
    claim(bob, paper, "Alan Turing", AuthorshipClaim.Status.REJECTED)
    for url in (f"/papers/date/{DAY}", "/papers/2605.12345"):
        assert MARK not in client.get(url).content.decode()


def test_the_paper_page_marks_the_claimed_name(client, paper, alice):
    claim(alice, paper, "Alan Turing")
    html = client.get("/papers/2605.12345").content.decode()
    authors = html[html.index('<p class="authors">') :].split("</p>")[0]
    assert authors.count(MARK) == 1
    assert authors.index("Alan Turing") < authors.index(MARK)
    assert 'class="claimed-author">Alan Turing' in authors


def test_the_paper_page_lists_who_upvoted_it(client, paper, alice, bob):
    set_vote(alice, paper, True)
    set_vote(bob, paper, True)
    html = client.get("/papers/2605.12345").content.decode()
    section = html[html.index('class="upvoters"') :].split("</section>")[0]
    assert ">alice</span>" in section and ">bob</span>" in section


def test_a_suspended_account_is_not_among_the_upvoters(client, paper, alice, bob):
    set_vote(alice, paper, True)
    set_vote(bob, paper, True)
    get_user_model().objects.filter(pk=bob.pk).update(is_active=False)
    html = client.get("/papers/2605.12345").content.decode()
    section = html[html.index('class="upvoters"') :].split("</section>")[0]
    assert ">alice</span>" in section and ">bob</span>" not in section


def test_no_upvoters_no_section(client, paper):
    assert 'class="upvoters"' not in client.get("/papers/2605.12345").content.decode()


def test_only_public_collections_including_the_paper_are_named(client, paper, alice, bob):
    shared = Collection.objects.create(owner=alice, name="Long context reading", public=True)
    secret = Collection.objects.create(owner=bob, name="My secret shortlist", public=False)
    other = Collection.objects.create(owner=bob, name="Unrelated public list", public=True)
    CollectionItem.objects.create(collection=shared, paper=paper)
    CollectionItem.objects.create(collection=secret, paper=paper)
    CollectionItem.objects.create(collection=other, paper=make_paper("Another paper"))
    html = client.get("/papers/2605.12345").content.decode()
    assert "Collections including this paper" in html
    assert "Long context reading" in html and shared.get_absolute_url() in html
    assert "My secret shortlist" not in html and "Unrelated public list" not in html


def test_a_private_collection_alone_shows_no_section(client, paper, bob):
    secret = Collection.objects.create(owner=bob, name="My secret shortlist", public=False)
    CollectionItem.objects.create(collection=secret, paper=paper)
    html = client.get("/papers/2605.12345").content.decode()
    assert "Collections including this paper" not in html and "secret" not in html


def queries_of(client, url) -> int:
    cache.clear()  # the anonymous page cache would answer without a query
    cards.forget()  # kept cards would spare the loading of people being counted
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_load_submitters_and_claims_in_a_fixed_number_of_queries(client, settings):
    url = f"/papers/date/{DAY}"
    settings.DAILY_FILL_BELOW = 0  # a day of few papers would also look for announcements

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            listed = make_paper(f"Paper {number}", authors=["Grace Hopper", "Alan Turing"])
            list_on(listed, DAY)
            user = make_user(f"author{number}")
            DailyEntry.objects.filter(paper=listed).update(submitted_by=user)
            claim(user, listed, "Grace Hopper")

    add(2, 0)
    client.get(url)  # first request: sessions, settings and the like
    few = queries_of(client, url)
    add(10, 2)
    many = queries_of(client, url)
    assert many == few
    assert client.get(url).content.decode().count(MARK) == 12


def test_a_confirmed_author_is_marked_on_the_for_you_list(as_alice, paper, bob):
    claim(bob, paper, "Alan Turing")
    html = as_alice.get(f"/papers/for-you?date={DAY}").content.decode()
    assert "Sparse attention for long documents" in html
    assert html.count(MARK) == 1 and "confirmed as @bob" in html
