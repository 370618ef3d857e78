"""Keyword search over papers, whatever the database: the one entry point views call.

``keyword_search(text)`` returns a lazy, sliceable result list that Django's Paginator can page
through: the count and each page are separate, LIMITed queries. The engine-specific SQL lives in
one backend module per database vendor (``fts5.py`` for SQLite, ``tsvector.py`` for
PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cached_property
from typing import overload

from django.db import connection
from django.db.models import QuerySet

from dailypapers.papers.models import Paper
from dailypapers.search import fts5, tsvector
from dailypapers.search.query import ParsedQuery, parse_query


def backend():
    if connection.vendor == "sqlite":
        return fts5
    if connection.vendor == "postgresql":
        return tsvector
    raise NotImplementedError(f"no keyword search backend for {connection.vendor}")


class KeywordResults(Sequence[Paper]):
    """Papers matching a query, best first. All words must match; if no paper has them all,
    papers with any of them are returned instead (``matched_any`` tells which)."""

    def __init__(self, query: ParsedQuery, within: QuerySet[Paper] | None = None) -> None:
        self.query = query
        self.within = within
        self.matched_any = False
        self.expression = ""
        if query.terms:
            engine = backend()
            self.expression = engine.match_expression(query)
            if engine.count(self.expression, within) == 0 and len(query.terms) > 1:
                self.expression = engine.match_expression(query, any_term=True)
                self.matched_any = True

    @cached_property
    def total(self) -> int:
        """The number of matches, counted up to the backend's ``LIMIT`` (see ``capped``)."""
        return backend().count(self.expression, self.within) if self.expression else 0

    @property
    def capped(self) -> bool:
        """Whether more papers match than were counted (and can be paged to)."""
        return self.total >= backend().LIMIT

    def ranked_ids(self, limit: int, offset: int = 0, exclude: Collection[int] = ()) -> list[int]:
        if not self.expression or limit <= 0:
            return []
        within = self.within
        if exclude:
            within = (within if within is not None else Paper.objects.all()).exclude(id__in=exclude)
        return backend().ranked_ids(self.expression, limit, offset, within)

    def matching_sql(self) -> tuple[str, list]:
        """A subquery of the ids of every matching paper (for other sort orders)."""
        return backend().matching_sql(self.expression)

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(self.total)
        if not self.expression or stop <= start:
            return []
        ids = self.ranked_ids(stop - start, start)
        papers = Paper.objects.select_related("organization").in_bulk(ids)
        return [papers[i] for i in ids if i in papers]


def keyword_search(text: str) -> KeywordResults:
    return KeywordResults(parse_query(text))
