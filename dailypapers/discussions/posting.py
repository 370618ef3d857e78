"""Every change to comments: post, reply, edit, delete, report, hide; the one write path.

``Paper.comment_count`` counts a paper's visible comments (neither deleted nor hidden). Each
change that makes a comment appear or disappear moves it by one with an ``F()`` expression, in
the same transaction as the change, with the comment's row locked, so concurrent changes never
lose or double a count.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dailypapers.discussions.markdown import render
from dailypapers.discussions.models import MAX_BODY, Comment, CommentReport
from dailypapers.papers.models import Paper


class CommentRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _clean_body(body: str) -> str:
    body = body.replace("\x00", "").strip()
    if not body:
        raise CommentRefused("Write something first.")
    if len(body) > MAX_BODY:
        raise CommentRefused(f"A comment can be at most {MAX_BODY:,} characters.")
    return body


def _count(paper_id: int, delta: int) -> None:
    Paper.objects.filter(pk=paper_id).update(comment_count=F("comment_count") + delta)


def post_comment(user, paper: Paper, body: str, parent: Comment | None = None) -> Comment:
    body = _clean_body(body)
    if parent is not None:
        if parent.paper_id != paper.pk:
            raise CommentRefused("That comment is on another paper.")
        if parent.parent_id is not None:
            parent = parent.parent  # replies go one level deep: answer the thread
        if parent is not None and not parent.visible:
            raise CommentRefused("That comment was deleted.")
    with transaction.atomic():
        comment = Comment.objects.create(
            paper=paper, author=user, parent=parent, body=body, body_html=render(body)
        )
        _count(paper.pk, +1)
    return comment


def edit_comment(user, comment: Comment, body: str) -> Comment:
    body = _clean_body(body)
    if comment.author_id != user.pk or not comment.visible:
        raise CommentRefused("You can only edit your own comments.")
    comment.body, comment.body_html, comment.edited_at = body, render(body), timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def _make_invisible(comment_id: int, **changes) -> None:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment_id)
        was_visible = comment.visible
        for name, value in changes.items():
            setattr(comment, name, value)
        comment.save(update_fields=list(changes))
        if was_visible and not comment.visible:
            _count(comment.paper_id, -1)


def delete_comment(user, comment: Comment) -> None:
    """The author's delete: the text goes, the place stays ("deleted") for its replies."""
    if comment.author_id != user.pk:
        raise CommentRefused("You can only delete your own comments.")
    _make_invisible(comment.pk, deleted=True, body="", body_html="")


def set_hidden(comment: Comment, hidden: bool) -> None:
    """A moderator hides or shows a comment."""
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if current.hidden == hidden:
            return
        was_visible = current.visible
        current.hidden = hidden
        current.save(update_fields=["hidden"])
        if was_visible != current.visible:
            _count(current.paper_id, -1 if was_visible else +1)
        if hidden:
            current.reports.update(resolved=True)


def report_comment(user, comment: Comment, reason: str = "") -> bool:
    """Report a comment to the moderators; False when this user had reported it already."""
    if comment.author_id == user.pk:
        raise CommentRefused("You cannot report your own comment.")
    with transaction.atomic():
        _, created = CommentReport.objects.get_or_create(
            comment=comment, reporter=user, defaults={"reason": reason.strip()[:500]}
        )
        if created:
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    return created


def orphan_comments(user) -> int:
    """Account deletion: each of the user's comments becomes "deleted", its replies stay."""
    ids = list(Comment.objects.filter(author=user).values_list("pk", flat=True))
    for comment_id in ids:
        _make_invisible(comment_id, deleted=True, body="", body_html="", author=None)
    return len(ids)
