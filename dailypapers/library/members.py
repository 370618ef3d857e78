"""Which papers are in a reader's library, and which they have set aside.

The library is the union of the reader's upvotes, the papers of their collections (public or
private) and the papers they imported; "not interested" takes a paper out of it. The newest
additions come first: ``foryou.py`` ranks with the newest ``LIBRARY_RANKING_LIMIT`` only.
"""

from __future__ import annotations

from django.db.models import Max

from dailypapers.collections.models import CollectionItem
from dailypapers.library.models import LibraryItem, PaperMark
from dailypapers.papers.models import Upvote


def library_ids(user, limit: int | None = None) -> list[int]:
    """Paper ids of ``user``'s library, most recently added first."""
    added: dict[int, object] = {}
    sources = [
        Upvote.objects.filter(user=user).values_list("paper_id", "created"),
        CollectionItem.objects.filter(collection__owner=user)
        .values("paper_id")
        .annotate(latest=Max("added"))
        .values_list("paper_id", "latest"),
        LibraryItem.objects.filter(user=user).values_list("paper_id", "added"),
    ]
    for rows in sources:
        for paper_id, when in rows:
            if paper_id not in added or when > added[paper_id]:  # type: ignore[operator]
                added[paper_id] = when
    for paper_id in marked_ids(user, PaperMark.Kind.NOT_INTERESTED):
        added.pop(paper_id, None)
    ordered = sorted(added, key=lambda pk: added[pk], reverse=True)  # type: ignore[arg-type,return-value]
    return ordered[:limit] if limit is not None else ordered


def marked_ids(user, *kinds: str) -> set[int]:
    marks = PaperMark.objects.filter(user=user)
    if kinds:
        marks = marks.filter(kind__in=kinds)
    return set(marks.values_list("paper_id", flat=True))


def set_mark(user, paper, kind: str, on: bool) -> bool:
    """Put or take off ``user``'s mark of ``kind`` on ``paper``; returns whether it changed.
    Setting (not toggling) makes a repeated click harmless."""
    if on:
        _, created = PaperMark.objects.get_or_create(user=user, paper=paper, kind=kind)
        return created
    deleted, _ = PaperMark.objects.filter(user=user, paper=paper, kind=kind).delete()
    return deleted > 0
