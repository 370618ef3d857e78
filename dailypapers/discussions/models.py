"""Comments on papers and the reports people make about them.

A comment is Markdown (``body``) rendered once, on save, to sanitised HTML (``body_html``, see
``discussions.markdown``). Replies go one level deep: a reply's parent is a top-level comment.
A comment deleted by its author, or whose author deleted their account, stays as "deleted" so
its replies keep their place; a moderator's ``hidden`` takes it out of view. Every change that
alters what is visible goes through ``discussions.posting``, which keeps ``Paper.comment_count``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dailypapers.papers.models import Paper

MAX_BODY = 10_000


class Comment(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="comment_rows")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_BODY)
    body_html = models.TextField(editable=False)
    created = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created"]
        indexes = [models.Index(fields=["paper", "created"])]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.paper_id}"

    def get_absolute_url(self) -> str:
        return f"{self.paper.get_absolute_url()}#comment-{self.pk}"

    @property
    def visible(self) -> bool:
        return not self.deleted and not self.hidden


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_user"),
        ]

    def __str__(self) -> str:
        return f"report of comment {self.comment_id} by {self.reporter_id}"
