"""Reporting a comment, and the moderator's admin: reported first, hidden by an action."""

import pytest

from dailypapers.discussions.models import Comment, CommentReport
from dailypapers.discussions.posting import post_comment
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return make_paper("Moderated", arxiv_id="2605.00999")


def test_bob_reports_alices_comment_once(alice, as_bob, paper):
    spam = post_comment(alice, paper, "Buy now")
    for _ in range(2):
        as_bob.post(f"/comments/{spam.pk}/report", {"reason": "spam"})
    spam.refresh_from_db()
    assert spam.report_count == 1 and CommentReport.objects.get().reason == "spam"


def test_no_one_reports_their_own_comment(as_alice, alice, paper):
    mine = post_comment(alice, paper, "Mine")
    as_alice.post(f"/comments/{mine.pk}/report")
    assert not CommentReport.objects.exists()


def test_the_moderator_sees_reported_comments_first_and_hides_one(
    alice, bob, as_bob, as_mallory, paper
):
    quiet = post_comment(alice, paper, "Quiet comment")
    loud = post_comment(alice, paper, "Reported comment")
    as_bob.post(f"/comments/{loud.pk}/report")
    listing = as_mallory.get("/admin/discussions/comment/").content.decode()
    assert listing.index("Reported comment") < listing.index("Quiet comment")
    as_mallory.post(
        "/admin/discussions/comment/", {"action": "hide", "_selected_action": [loud.pk]}
    )
    loud.refresh_from_db()
    paper.refresh_from_db()
    assert loud.hidden and paper.comment_count == 1
    assert "Reported comment" not in as_bob.get(paper.get_absolute_url()).content.decode()
    assert Comment.objects.get(pk=quiet.pk).visible


def test_an_unverified_account_cannot_report(alice, as_charlie, paper):
    comment = post_comment(alice, paper, "Fine")
    assert as_charlie.post(f"/comments/{comment.pk}/report", {"reason": "x"}).status_code == 403
    assert not CommentReport.objects.exists()
