"""Deleting an account: the votes go (counts drop), comments become "deleted", replies stay."""

import pytest

from dailypapers.discussions.models import Comment
from dailypapers.discussions.posting import post_comment
from dailypapers.papers.models import Paper, Upvote
from dailypapers.papers.voting import set_vote
from tests.support.personas import PASSWORD
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


def test_deleting_takes_the_votes_off_and_leaves_deleted_comments(as_alice, alice, bob):
    paper = make_paper("Discussed", upstream_upvotes=3)
    set_vote(alice, paper, True)
    set_vote(bob, paper, True)
    question = post_comment(alice, paper, "Is the code out?")
    answer = post_comment(bob, paper, "Yes, see the repo.", parent=question)
    response = as_alice.post("/accounts/delete", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.upvote_count == 1 == Upvote.objects.count()
    assert paper.comment_count == 1
    question.refresh_from_db()
    assert question.deleted and question.author is None and question.body == ""
    assert Comment.objects.get(pk=answer.pk).visible
    html = as_alice.get(paper.get_absolute_url()).content.decode()
    assert "This comment was deleted." in html and "Yes, see the repo." in html
    assert not as_alice.get("/papers").context["user"].is_authenticated


def test_the_password_is_asked_before_deleting(as_alice, alice):
    response = as_alice.post("/accounts/delete", {"password": "wrong", "confirm": "on"})
    assert "This is not your password" in response.content.decode()
    assert Paper.objects.count() == 0 and type(alice).objects.filter(pk=alice.pk).exists()
