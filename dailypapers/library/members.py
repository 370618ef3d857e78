"""Which papers are in a reader's library, and which they have set aside.

The library is the union of the reader's upvotes, the papers of their collections (public or
private) and the papers they imported; "not interested" takes a paper out of it. The newest
additions come first: ``foryou.py`` ranks with the newest ``LIBRARY_RANKING_LIMIT`` only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.library.models import LibraryItem, PaperMark
from dailypapers.papers.models import Upvote


@dataclass(frozen=True)
class ReaderPapers:
    """A reader's library (newest additions first, "not interested" taken out) and marks."""

    library: list[int]
    marks: dict[str, set[int]]

    def marked(self, *kinds: str) -> set[int]:
        """Paper ids with a mark of any of ``kinds`` (of any kind when none is given)."""
        wanted = kinds or tuple(self.marks)
        return set().union(*(self.marks.get(kind, set()) for kind in wanted))


def reader_papers(user) -> ReaderPapers:
    """``user``'s library and marks from one statement: the four sources in a UNION ALL, so
    a page or a digest pays one round trip, not four (bench/digests.py). An addition's
    stamp is compared as the database returns it (text on SQLite, a timestamp on
    PostgreSQL), never mixed with another database's."""
    return readers_papers([user.pk])[user.pk]


def readers_papers(user_ids: list[int]) -> dict[int, ReaderPapers]:
    """``reader_papers`` of many readers in one statement (a digest worker's batch), by
    user id; each reader's rows come in the order one reader's statement gives them."""
    added: dict[int, dict[int, object]] = {pk: {} for pk in user_ids}
    marks: dict[int, dict[str, set[int]]] = {pk: {} for pk in user_ids}
    if user_ids:
        with connection.cursor() as cursor:
            cursor.execute(_reader_sql(len(user_ids)), list(user_ids) * 4)
            for user_id, is_mark, paper_id, when, kind in cursor.fetchall():
                if is_mark:
                    marks[user_id].setdefault(kind, set()).add(paper_id)
                    continue
                mine = added[user_id]
                if paper_id not in mine or when > mine[paper_id]:  # type: ignore[operator]
                    mine[paper_id] = when
    return {pk: _papers_of(added[pk], marks[pk]) for pk in user_ids}


def _papers_of(added: dict[int, object], marks: dict[str, set[int]]) -> ReaderPapers:
    for paper_id in marks.get(PaperMark.Kind.NOT_INTERESTED, ()):
        added.pop(paper_id, None)
    ordered = sorted(added, key=lambda pk: added[pk], reverse=True)  # type: ignore[arg-type,return-value]
    return ReaderPapers(ordered, marks)


@functools.lru_cache(maxsize=64)
def _reader_sql(readers: int = 1) -> str:
    name = connection.ops.quote_name

    def table(model) -> str:
        return name(model._meta.db_table)

    items, collections = table(CollectionItem), table(Collection)
    # "= %s" for one reader, as before; "IN (...)" for a batch.
    who = "= %s" if readers == 1 else "IN (" + ", ".join(["%s"] * readers) + ")"
    return " UNION ALL ".join(
        [
            f"SELECT user_id, 0, paper_id, created, NULL FROM {table(Upvote)} WHERE user_id {who}",
            f"SELECT c.owner_id, 0, i.paper_id, i.added, NULL FROM {items} i INNER JOIN"
            f" {collections} c ON i.collection_id = c.id WHERE c.owner_id {who}",
            f"SELECT user_id, 0, paper_id, added, NULL FROM {table(LibraryItem)}"
            f" WHERE user_id {who}",
            f"SELECT user_id, 1, paper_id, NULL, kind FROM {table(PaperMark)} WHERE user_id {who}",
        ]
    )


def library_ids(user, limit: int | None = None) -> list[int]:
    """Paper ids of ``user``'s library, most recently added first."""
    ordered = reader_papers(user).library
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
