"""``GitHubRepo``: one repository that papers link to, its star count and when to ask again.

Schedules are columns: ``next_check_at`` says when the stars worker asks GitHub again, and
``etag`` lets it ask with ``If-None-Match`` (a 304 costs no rate limit). ``stars_before`` and
``stars_before_at`` hold an older count (renewed once it is a week old), so that the gain per
day, which "trending by code activity" ranks by, needs no history table. Papers keep their
own copy in ``Paper.github_stars`` (written through ``papers.writing``), which lists read.
"""

from __future__ import annotations

from django.db import models


class GitHubRepo(models.Model):
    class State(models.TextChoices):
        NEW = "new"
        OK = "ok"
        MISSING = "missing"  # 404/451: deleted, renamed away or blocked; asked again rarely
        ERROR = "error"  # another refusal; reason says which

    url = models.CharField(max_length=300, unique=True, help_text="https://github.com/owner/repo")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    reason = models.CharField(max_length=300, blank=True)
    stars = models.PositiveIntegerField(null=True, blank=True)
    stars_before = models.PositiveIntegerField(null=True, blank=True)
    stars_before_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.url} ★{self.stars}"

    @property
    def full_name(self) -> str:
        return self.url.removeprefix("https://github.com/")
