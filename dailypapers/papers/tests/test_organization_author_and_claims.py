"""Organization pages, author pages, and claiming authorship (pending until confirmed)."""

import datetime as dt

import pytest

from dailypapers.papers.models import AuthorshipClaim
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


def test_an_organization_page_lists_its_papers_and_lists_link_to_it(client):
    ours = make_paper("Ours", organization="Stanford NLP")
    list_on(ours, DAY, organization="Stanford NLP")
    list_on(make_paper("Theirs"), DAY)
    page = client.get("/organizations/stanford-nlp")
    html = page.content.decode()
    assert page.status_code == 200 and "Ours" in html and "Theirs" not in html
    day = client.get("/papers/date/2026-05-20").content.decode()
    assert 'href="/organizations/stanford-nlp"><b>stanford-nlp</b> Stanford NLP' in day


def test_an_unknown_organization_or_author_is_a_404(client):
    assert client.get("/organizations/nobody").status_code == 404
    assert client.get("/authors/<script>").status_code == 404


def test_an_author_page_lists_their_papers(client):
    one = make_paper("One", authors=["Grace Hopper"])
    make_paper("Two", authors=["Grace Hopper", "Alan Turing"])
    make_paper("Three", authors=["Alan Turing"])
    html = client.get("/authors/Grace Hopper").content.decode()
    assert "One" in html and "Two" in html and "Three" not in html
    assert 'href="/authors/Grace%20Hopper"' in client.get(one.get_absolute_url()).content.decode()


def test_a_claim_is_pending_until_a_moderator_confirms_it(as_alice, alice, as_mallory, client):
    paper = make_paper("Mine", authors=["Alice Liddell", "Bob Builder"])
    as_alice.post(f"/papers/{paper.arxiv_id}/claim", {"author": "Alice Liddell"})
    claim = AuthorshipClaim.objects.get()
    assert claim.status == "pending" and claim.user == alice
    assert "@alice" not in client.get("/authors/Alice Liddell").content.decode()
    as_mallory.post(
        "/admin/papers/authorshipclaim/", {"action": "confirm", "_selected_action": [claim.pk]}
    )
    assert AuthorshipClaim.objects.get().status == "confirmed"
    assert "@alice" in client.get("/authors/Alice Liddell").content.decode()
    assert "Mine" in client.get("/users/alice").content.decode()


def test_one_cannot_claim_a_name_that_is_not_on_the_paper_or_claim_twice(as_alice):
    paper = make_paper("Theirs", authors=["Bob Builder"])
    as_alice.post(f"/papers/{paper.arxiv_id}/claim", {"author": "Alice Liddell"})
    assert not AuthorshipClaim.objects.exists()
    as_alice.post(f"/papers/{paper.arxiv_id}/claim", {"author": "Bob Builder"})
    as_alice.post(f"/papers/{paper.arxiv_id}/claim", {"author": "Bob Builder"})
    assert AuthorshipClaim.objects.count() == 1


def test_a_moderator_hides_a_paper_and_suspends_a_user(as_mallory, alice, client):
    paper = make_paper("Spam paper")
    list_on(paper, DAY)
    as_mallory.post("/admin/papers/paper/", {"action": "hide", "_selected_action": [paper.pk]})
    assert "Spam paper" not in client.get("/papers/date/2026-05-20").content.decode()
    as_mallory.post("/admin/auth/user/", {"action": "suspend", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert not alice.is_active


def test_an_unverified_account_cannot_claim_authorship(as_charlie):
    paper = make_paper("Theirs", authors=["Charlie Chaplin"])
    answer = as_charlie.post(f"/papers/{paper.arxiv_id}/claim", {"author": "Charlie Chaplin"})
    assert answer.status_code == 403 and not AuthorshipClaim.objects.exists()
