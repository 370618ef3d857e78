"""Keyword search over papers, whatever the database: the one entry point views call.

``keyword_search(text)`` returns a lazy, sliceable result list that Django's Paginator can page
through: the count and each page are separate queries. The engine lives in one backend module
per database vendor, each keeping the contract of ``contract.py``: ``tantivy_search.py`` (over
``tantivy_index.py``, a tantivy index beside the SQLite database) and ``tsvector.py``
(PostgreSQL's own full-text search).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, overload

from django.db import connection

from dailypapers.papers.models import Paper
from dailypapers.search.keyword import tantivy_search, tsvector
from dailypapers.search.keyword.contract import KeywordBackend
from dailypapers.search.query import ParsedQuery, parse_query
from dailypapers.search.restrict import Scope, match_terms
from dailypapers.search.similar_rows import CandidateTexts


def backend() -> KeywordBackend:
    if connection.vendor == "sqlite":
        return tantivy_search
    if connection.vendor == "postgresql":
        return tsvector
    raise NotImplementedError(f"no keyword search backend for {connection.vendor}")


def catch_up() -> int:
    """Bring the keyword index up to date with the papers table now (commands that write many
    papers call it, so the first search after them does not pay for it)."""
    return backend().catch_up()


# A query of more words than this (stopwords aside) is ranked by how many of its words a
# paper has, as a web search does, without first asking for all of them: no paper has all
# the words of a question (none of the 64 CACM questions found one), and the attempt cost
# 2 ms of a long question's p95 at 170k papers.
ALL_WORDS_UP_TO = 8


class KeywordResults(Sequence[Paper]):
    """Papers matching a query, best first. All words must match (for a query of up to
    ``ALL_WORDS_UP_TO`` words); if no paper has them all, papers with any of them are returned
    instead (``matched_any`` tells which).

    The first ``HEAD`` ids and the count come from one search, made at once: a results page
    or the hybrid ranking needs both, and the engine finds both in one pass over the matches.
    A caller that will read further (a results page past the fifth) asks for ``depth`` ids:
    tantivy scores every match whatever the depth, so the one pass keeps them too, where a
    second search for the page walked every posting list again (2-3 ms of a deep search
    page's CPU at 170k papers, bench/pages.py reads pages 1 to 39).
    """

    HEAD = 100

    def __init__(self, query: ParsedQuery, scope: Scope | None = None, depth: int = HEAD) -> None:
        self.query = query
        self.scope = scope or Scope()
        self.matched_any = False
        self.expression: Any = None
        self.head: list[int] = []
        self.total = 0
        if not query.terms:
            return
        engine = backend()
        depth = max(depth, self.HEAD)
        if len(match_terms(query)) <= ALL_WORDS_UP_TO:
            self.expression = engine.match_expression(query)
            if self.expression:
                self.head, self.total = engine.search(self.expression, depth, 0, self.scope)
        if self.total == 0 and len(query.terms) > 1:
            self.expression = engine.match_expression(query, any_term=True)
            self.matched_any = True
            if self.expression:
                self.head, self.total = engine.search(self.expression, depth, 0, self.scope)

    @property
    def capped(self) -> bool:
        """Whether more papers match than were counted (and can be paged to)."""
        limit = backend().LIMIT
        return limit is not None and self.total >= limit

    def ranked_ids(self, limit: int, offset: int = 0, exclude: Collection[int] = ()) -> list[int]:
        if not self.expression or limit <= 0:
            return []
        kept, whole = self.head, len(self.head) == self.total
        if exclude:
            # Leaving papers out changes no other paper's score or place (a MustNot clause
            # scores nothing), so the head without them starts the search that leaves them
            # out; unless the engine ranks only the newest ``LIMIT`` matches (PostgreSQL),
            # which leaving some out would move.
            limit_of = backend().LIMIT
            if limit_of is not None and self.total >= limit_of:
                kept, whole = [], False
            else:
                kept = [i for i in self.head if i not in exclude]
        if offset + limit <= len(kept) or whole:
            return kept[offset : offset + limit]
        scope = self.scope.but_not(exclude) if exclude else self.scope
        return backend().ranked_ids(self.expression, limit, offset, scope)

    def matching(self, ids: Collection[int]) -> set[int]:
        """Which of these papers match the same expression."""
        if not self.expression or not ids:
            return set()
        scope = Scope(self.scope.filters, only=frozenset(ids))
        return set(backend().ranked_ids(self.expression, len(ids), 0, scope))

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


def rank_by_shared_words(text: str, candidates: Collection[int]) -> list[int]:
    """``candidates`` (paper ids) best first by the bm25 of the words they share with
    ``text`` ("more like this"). With tantivy, the index ranks them with every word's real
    document frequency (CSFCube nDCG@20 0.558 against 0.553, docs/search.md); PostgreSQL's
    ranking has no document frequencies, so there more_like_this.py ranks them in Python."""
    return backend().rank_by_shared_words(text, candidates) if candidates else []


def rank_by_any_word(
    text: str, candidates: Collection[int], texts: CandidateTexts | None = None
) -> list[int]:
    """``candidates`` (paper ids) best first as a search for any of ``text``'s content words
    ranks them (every column, with its weight): what "similar papers" ranks its candidates
    by. It held better than the 25 best words of ``rank_by_shared_words`` under
    cross-validation on the CSFCube dev judgments (docs/search.md)."""
    return backend().rank_by_any_word(text, candidates, texts) if candidates else []


def keyword_search(text: str) -> KeywordResults:
    return KeywordResults(parse_query(text))
