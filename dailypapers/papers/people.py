"""Who stands behind a paper, as the lists and the paper page show it: confirmed authorship
claims, the accounts that upvoted it, the public collections that include it.

Each function loads a whole page's worth in a fixed number of queries. Few papers have a
confirmed claim, so ``load_claims`` first asks which papers of the page have any, in a narrow
query compiled once per process (``statements.py``), and loads claims with their accounts only
for those: the full query's compiling alone took a tenth of a search page's time. Privacy rules live
here, once: only *confirmed* claims are shown, only *public* collections, and only active
accounts (a suspended or deleted one is never listed). Upvotes are public acts, as on Hugging
Face; what a reader's library or "For you" is made of stays private (``library``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models
from django.db.models import prefetch_related_objects

from dailypapers.papers.models import AuthorshipClaim, DailyEntry, Paper, Upvote
from dailypapers.papers.statements import Statement

UPVOTERS_SHOWN = 50
# Claims are asked by a compiled statement for up to this many papers at once (one statement
# per number of papers, as the SQL has a placeholder per id), by the ORM for more.
COMPILED_CLAIMS_UP_TO = 100


def _confirmed(paper_ids: Iterable[int]) -> models.QuerySet[AuthorshipClaim]:
    """The claims shown: confirmed, of active accounts, the first decided first."""
    return AuthorshipClaim.objects.filter(
        paper_id__in=list(paper_ids),
        status=AuthorshipClaim.Status.CONFIRMED,
        user__is_active=True,
    ).order_by("decided_at", "pk")


def _claim_names(variant: int, *paper_ids: int) -> models.QuerySet:
    return _confirmed(paper_ids).values_list("paper_id", "author__name", "user__username")


_CLAIM_NAMES: dict[int, Statement] = {}


def claim_names(paper_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """``(paper id, author name, username)`` of the claims ``load_claims`` would load for
    ``paper_ids``, in the same order, without loading any model."""
    count = len(paper_ids)
    if not count:
        return []
    if count > COMPILED_CLAIMS_UP_TO:
        return list(_claim_names(count, *paper_ids))
    statement = _CLAIM_NAMES.get(count)
    if statement is None:
        # Stand-ins for the ids while it is compiled: no row has a negative id.
        statement = Statement(_claim_names, [-7_340_001 - n for n in range(count)])
        statement = _CLAIM_NAMES.setdefault(count, statement)
    return statement.run(paper_ids, count)  # type: ignore[return-value]


def load_claims(papers: Iterable[Paper]) -> dict[int, dict[str, AuthorshipClaim]]:
    """Put each paper's confirmed claims on it as ``confirmed_claims`` (author name to claim,
    its account loaded); return them by paper id. One query for any number of papers."""
    by_id = {paper.pk: paper for paper in papers}
    claims: dict[int, dict[str, AuthorshipClaim]] = {pk: {} for pk in by_id}
    claimed = {paper_id for paper_id, _, _ in claim_names(list(by_id))}
    if claimed:
        for claim in _confirmed(claimed).select_related("author", "user__profile"):
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
