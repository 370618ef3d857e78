"""Who stands behind a paper, as the lists and the paper page show it: confirmed authorship
claims, the accounts that upvoted it, the public collections that include it.

Each function loads a whole page's worth in a fixed number of queries. Privacy rules live
here, once: only *confirmed* claims are shown, only *public* collections, and only active
accounts (a suspended or deleted one is never listed). Upvotes are public acts, as on Hugging
Face; what a reader's library or "For you" is made of stays private (``library``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import prefetch_related_objects

from dailypapers.papers.models import AuthorshipClaim, DailyEntry, Paper, Upvote

UPVOTERS_SHOWN = 50


def load_claims(papers: Iterable[Paper]) -> dict[int, dict[str, AuthorshipClaim]]:
    """Put each paper's confirmed claims on it as ``confirmed_claims`` (author name to claim,
    its account loaded); return them by paper id. One query for any number of papers."""
    by_id = {paper.pk: paper for paper in papers}
    claims: dict[int, dict[str, AuthorshipClaim]] = {pk: {} for pk in by_id}
    confirmed = AuthorshipClaim.objects.filter(
        paper_id__in=list(by_id),
        status=AuthorshipClaim.Status.CONFIRMED,
        user__is_active=True,
    ).select_related("author", "user__profile")
    for claim in confirmed.order_by("decided_at", "pk"):
        claims[claim.paper_id].setdefault(claim.author.name, claim)
    for pk, paper in by_id.items():
        paper.confirmed_claims = claims[pk]  # type: ignore[attr-defined]
    return claims


def load_entry_people(entries: Iterable[DailyEntry]) -> None:
    """What a card shows of a page of entries: submitters with their avatars and claimed
    authors, in three queries however long the page."""
    entries = list(entries)
    prefetch_related_objects(entries, "submitted_by__profile")
    load_claims(entry.paper for entry in entries)


def claimed_authors(paper: Paper) -> list[tuple[str, Any]]:
    """``(name, account)`` of the claimed authors among the loaded ones, in paper order."""
    claims = getattr(paper, "confirmed_claims", {})
    return [(name, claims[name].user) for name in paper.author_names if name in claims]


def upvoters(paper: Paper, limit: int = UPVOTERS_SHOWN) -> Sequence[Any]:
    """The active accounts that upvoted the paper, most recent first."""
    rows = (
        Upvote.objects.filter(paper=paper, user__is_active=True)
        .select_related("user__profile")
        .order_by("-created", "-pk")[:limit]
    )
    return [row.user for row in rows]


def public_collections(paper: Paper) -> Sequence[Any]:
    """The public collections that include the paper (never a private one), newest first."""
    # Through the reverse relation: papers must not import the collections app built on it.
    return list(
        paper.collections.filter(public=True, owner__is_active=True)  # type: ignore[attr-defined]
        .select_related("owner")
        .order_by("-created", "-pk")
        .distinct()
    )
