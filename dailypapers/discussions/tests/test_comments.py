"""The discussion on a paper page: comment, reply one level deep, edit and delete your own."""

import pytest

from dailypapers.discussions.models import Comment
from dailypapers.papers.models import Paper
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return make_paper("Talked about", arxiv_id="2605.00888", upstream_comment_count=2)


def comment(client, paper, body, parent=None):
    data = {"body": body, **({"parent": parent.pk} if parent else {})}
    return client.post(f"/papers/{paper.arxiv_id}/comments", data)


def test_alice_comments_in_markdown_and_it_shows_on_the_page(as_alice, paper, client):
    response = comment(as_alice, paper, "Nice **result**")
    posted = Comment.objects.get()
    assert response["Location"] == f"/papers/2605.00888#comment-{posted.pk}"
    html = client.get("/papers/2605.00888").content.decode()
    assert "Nice <strong>result</strong>" in html and "Log in</a> to comment" in html


def test_the_comment_count_in_lists_adds_ours_to_upstreams(as_alice, paper):
    from tests.support.testing import list_on

    list_on(paper, paper.published_at.date())
    comment(as_alice, paper, "First")
    assert Paper.objects.get(pk=paper.pk).comments == 3
    html = as_alice.get(f"/papers/date/{paper.published_at:%Y-%m-%d}").content.decode()
    assert '3<span class="visually-hidden"> comments' in html


def test_a_reply_to_a_reply_joins_the_first_level(as_alice, as_bob, paper):
    comment(as_alice, paper, "Question")
    top = Comment.objects.get()
    comment(as_bob, paper, "Answer", parent=top)
    answer = Comment.objects.get(body="Answer")
    comment(as_alice, paper, "Thanks", parent=answer)
    assert Comment.objects.get(body="Thanks").parent == top
    assert Paper.objects.get(pk=paper.pk).comment_count == 3


def test_alice_edits_and_deletes_her_comment_but_not_bobs(as_alice, as_bob, paper):
    comment(as_bob, paper, "Bob's")
    bobs = Comment.objects.get()
    assert as_alice.post(f"/comments/{bobs.pk}/edit", {"body": "hacked"}).status_code == 403
    assert as_alice.post(f"/comments/{bobs.pk}/delete").status_code == 403
    comment(as_alice, paper, "Typo")
    mine = Comment.objects.get(body="Typo")
    as_alice.post(f"/comments/{mine.pk}/edit", {"body": "Fixed"})
    mine.refresh_from_db()
    assert mine.body == "Fixed" and mine.edited_at is not None
    as_alice.post(f"/comments/{mine.pk}/delete")
    mine.refresh_from_db()
    assert mine.deleted and mine.body == ""
    assert Paper.objects.get(pk=paper.pk).comment_count == 1
    assert Comment.objects.get(pk=bobs.pk).body == "Bob's"


def test_a_script_in_a_comment_is_shown_as_text_never_run(as_alice, paper):
    comment(as_alice, paper, "<script>alert('x')</script> [a](javascript:alert(1))")
    html = as_alice.get("/papers/2605.00888").content.decode()
    assert "<script>alert('x')</script>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert" in html


def test_empty_and_overlong_comments_are_refused(as_alice, paper):
    comment(as_alice, paper, "   ")
    comment(as_alice, paper, "x" * 10_001)
    assert not Comment.objects.exists()
    page = as_alice.get("/papers/2605.00888").content.decode()
    assert "at most 10,000 characters" in page


def test_an_unverified_or_anonymous_user_cannot_comment(as_charlie, client, paper):
    assert comment(as_charlie, paper, "hi").status_code == 403
    assert comment(client, paper, "hi")["Location"].startswith("/accounts/login")
    assert not Comment.objects.exists()


def test_commenting_is_rate_limited(as_alice, paper, settings):
    settings.RATE_LIMITS = {"comment.user": "2/m"}
    codes = [comment(as_alice, paper, f"n{n}").status_code for n in range(3)]
    assert codes == [302, 302, 429] and Comment.objects.count() == 2


def test_a_forged_parent_is_ignored(as_alice, paper):
    other = make_paper("Other")
    comment(as_alice, other, "elsewhere")
    elsewhere = Comment.objects.get()
    comment(as_alice, paper, "x", parent=elsewhere)
    assert as_alice.post(f"/papers/{paper.arxiv_id}/comments", {"body": "y", "parent": "1e9"})
    assert Comment.objects.filter(paper=paper, parent=None).count() == 2
