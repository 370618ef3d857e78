"""What one reader keeps for themselves: imported papers, follows, "not interested" and read
marks, the secret of their private feeds; and the papers an import asked to fetch.

A reader's *library* is the union of their upvotes, the papers of their collections and the
``LibraryItem`` rows their imports made; ``library.members`` reads that union. Everything here
is private: it is shown to its owner only, exported with their account and deleted with it
(every row cascades from the user).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from dailypapers.papers.models import Paper


class LibraryItem(models.Model):
    """A paper a reader brought in from a reference manager (BibTeX, RIS, CSL-JSON)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_items"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added"]
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="paper_once_a_library"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} in the library of {self.user_id}"


class PendingImport(models.Model):
    """An arXiv id a reader imported that this site does not have yet.

    The import also queues the id for ``dailypapers submissions fetch`` (``PaperFetch``);
    ``library.importing`` then adds the fetched paper to the reader's library at their next
    import or visit (``claim_fetched``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    arxiv_id = models.CharField(max_length=40, db_index=True)
    requested = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requested"]
        constraints = [
            models.UniqueConstraint(fields=["user", "arxiv_id"], name="one_pending_per_id"),
        ]

    def __str__(self) -> str:
        return f"{self.arxiv_id} wanted by {self.user_id}"


class PaperMark(models.Model):
    """A reader's "not interested" or "read" on one paper; both leave it out of "For you"."""

    class Kind(models.TextChoices):
        NOT_INTERESTED = "not_interested", "Not interested"
        READ = "read", "Read"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_marks"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["user", "paper", "kind"], name="one_mark_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.paper_id}"


class Follow(models.Model):
    """A reader following an author name, an organization, an arXiv category or a search.

    ``target`` is the author's name as on papers, the organization's URL name, the category
    ("cs.CL") or the search text, each as validated by ``library.following``."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        ORGANIZATION = "organization", "Organization"
        CATEGORY = "category", "Category"
        SEARCH = "search", "Search"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    target = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "target"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "target"], name="one_follow_each"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind} {self.target}"


def new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


class FeedSecret(models.Model):
    """The secret in the URLs of a reader's private "For you" and "Following" feeds; resetting
    it makes every old URL answer 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_secret"
    )
    secret = models.CharField(max_length=64, unique=True, default=new_feed_secret)
    created = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"feed secret of {self.user_id}"
