"""The upvote button: POST /papers/<id>/vote, answered in JSON for the page's script."""

import pytest
from django.test import Client

from dailypapers.papers.models import Paper, Upvote
from tests.support.fixtures import logged_in
from tests.support.personas import make_user
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def paper():
    return make_paper("Votes", arxiv_id="2605.00777", upstream_upvotes=10)


def vote(client, paper, up=True):
    return client.post(f"/papers/{paper.arxiv_id}/vote", {"vote": "1" if up else "0"}, **JSON)


def test_one_click_upvotes_and_answers_the_new_total(as_alice, alice, paper):
    response = vote(as_alice, paper)
    assert response.json() == {"voted": True, "upvotes": 11}
    assert Upvote.objects.filter(user=alice, paper=paper).count() == 1


def test_it_rejects_a_second_upvote_from_the_same_user(as_alice, paper):
    vote(as_alice, paper)
    assert vote(as_alice, paper).json() == {"voted": True, "upvotes": 11}
    assert Paper.objects.get(pk=paper.pk).upvote_count == 1


def test_clicking_again_takes_the_vote_back(as_alice, paper):
    vote(as_alice, paper)
    assert vote(as_alice, paper, up=False).json() == {"voted": False, "upvotes": 10}
    assert vote(as_alice, paper, up=False).json() == {"voted": False, "upvotes": 10}
    assert not Upvote.objects.exists()
    assert Paper.objects.get(pk=paper.pk).upvote_count == 0


def test_the_count_always_equals_the_number_of_votes(paper):
    users = [make_user(f"voter{n}") for n in range(6)]
    for n, user in enumerate(users):
        client = logged_in(user)
        vote(client, paper)
        if n % 2:
            vote(client, paper, up=False)
        vote(client, paper)
    paper.refresh_from_db()
    assert paper.upvote_count == Upvote.objects.filter(paper=paper).count() == 6


def test_an_anonymous_visitor_is_asked_to_log_in(client, paper):
    response = vote(client, paper)
    assert response.status_code == 401
    assert response.json()["login"].startswith("/accounts/login?next=/papers/2605.00777")
    plain = client.post(f"/papers/{paper.arxiv_id}/vote", {"vote": "1"})
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login")
    assert not Upvote.objects.exists()


def test_a_vote_without_the_csrf_token_is_refused(alice, paper):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert vote(client, paper).status_code == 403
    assert not Upvote.objects.exists()


def test_a_plain_form_vote_returns_to_the_page_it_came_from(as_alice, paper):
    response = as_alice.post(
        f"/papers/{paper.arxiv_id}/vote", {"vote": "1", "next": "/papers/date/2026-05-20"}
    )
    assert response["Location"] == "/papers/date/2026-05-20"
    evil = as_alice.post(
        f"/papers/{paper.arxiv_id}/vote", {"vote": "1", "next": "https://evil.example"}
    )
    assert evil["Location"] == "/papers/2605.00777"


def test_too_many_votes_get_a_429_with_a_clear_message(as_alice, paper, settings):
    settings.RATE_LIMITS = {"vote.user": "3/m"}
    answers = [vote(as_alice, paper, up=n % 2 == 0) for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert "Too many attempts to vote" in answers[-1].json()["error"]
    assert int(answers[-1]["Retry-After"]) > 0


def test_a_hidden_paper_cannot_be_voted_on(as_alice, paper):
    Paper.objects.filter(pk=paper.pk).update(hidden=True)
    assert vote(as_alice, paper).status_code == 404


def test_the_page_shows_my_vote_as_pressed(as_alice, paper):
    vote(as_alice, paper)
    html = as_alice.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert 'aria-pressed="true"' in html and '<span class="count">11</span>' in html


def test_an_unverified_account_cannot_vote(as_charlie, paper):
    answer = vote(as_charlie, paper)
    assert answer.status_code == 403 and answer.json() == {"error": "Verify your email to upvote."}
    form = as_charlie.post(f"/papers/{paper.arxiv_id}/vote", {"vote": "1"})
    assert form.status_code == 403 and "Verify your email first" in form.content.decode()
    assert not Upvote.objects.exists() and Paper.objects.get(pk=paper.pk).upvote_count == 0
