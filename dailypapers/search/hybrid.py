"""Hybrid search: keyword (bm25) and meaning (embeddings) fused into one ranking.

``search(text, filters)`` is what the search page calls. Relevance order is reciprocal rank
fusion (RRF) of two lists: the top ``CANDIDATES`` keyword matches by bm25, and the top
``CANDIDATES`` papers by cosine similarity of their vector to the query's (or, for
``like:<id>``, to that paper's). A paper's score is ``sum(weight / (RRF_K + rank))`` over the
lists it is in. Meaning weighs more as the query grows: nothing in a query of up to
``SHORT_QUERY_WORDS`` words (a word or two is what the reader wants matched, a name or a
method, and a static model's vector of one or two words is its weakest; such a query is
searched by meaning only when no paper has its words), a little up to ``LONG_QUERY_WORDS``,
more than the words beyond (a question in plain language, where the words a reader chose are
the least sure guide). The weights were chosen by cross-validation on the CACM dev judgments
(bench/search_quality.py, docs/search.md). Past the fused head, the remaining keyword matches
follow in bm25 order, so every keyword match can still be paged to. When the query asks for
exact matches (a phrase, a field, a prefix, an exclusion), meaning only re-orders the keyword
matches.
Sorting by date or upvotes orders in SQL the same papers, up to the ``SORTED_LIMIT`` best keyword
matches (plus those found by meaning). A query that is a paper's id, link or DOI
(``identifiers.py``) finds that paper alone, if this site has it (``found``), whatever the
filters. The engines themselves live in keyword.py and vectors.py; the meaning list is searched
in a worker thread while this one searches by keyword, when the query's weights allow
(``SearchResults.meaning``, legs.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from functools import cached_property
from typing import overload

import numpy as np
from django.db.models import QuerySet

from dailypapers.papers.models import Paper
from dailypapers.papers.statements import rows_by_ids
from dailypapers.search import legs, vectors
from dailypapers.search.filters import SearchFilters
from dailypapers.search.identifiers import Identifier
from dailypapers.search.keyword import KeywordResults
from dailypapers.search.query import ParsedQuery, parse_query
from dailypapers.search.restrict import Scope, match_terms

CANDIDATES = 100
RRF_K = 60
KEYWORD_WEIGHT = 1.0
SEMANTIC_WEIGHT = 0.25
# Queries of at most this many words (stopwords aside) are ranked by their words alone.
SHORT_QUERY_WORDS = 2
# Meaning weighs LONG_SEMANTIC_WEIGHT in queries of more words than this.
LONG_QUERY_WORDS = 8
LONG_SEMANTIC_WEIGHT = 1.5
# A paper found by meaning alone joins the results only this close to the query (cosine),
# so a query about one topic does not list the whole corpus: the highest floor that ranks the
# CACM dev queries as well as none (0.2 and 0.3 do; 0.4 costs 0.011 nDCG@10).
MIN_SIMILARITY = 0.3
# Sorted by date or upvotes, a search lists at most this many of its best keyword matches.
SORTED_LIMIT = 10_000


def fuse(ranked_lists: list[tuple[float, list[int]]], k: float | None = None) -> list[int]:
    """Reciprocal rank fusion of (weight, ids best first) lists; ties keep first-list order."""
    k = RRF_K if k is None else k
    scores: dict[int, float] = {}
    for weight, ids in ranked_lists:
        for rank, paper_id in enumerate(ids):
            scores[paper_id] = scores.get(paper_id, 0.0) + weight / (k + rank + 1)
    return sorted(scores, key=lambda paper_id: -scores[paper_id])


class SearchResults(Sequence[Paper]):
    """The papers a search finds, best first, sliceable for Django's Paginator."""

    def __init__(
        self, query: ParsedQuery, filters: SearchFilters | None = None, through: int = 0
    ) -> None:
        self.query = query
        self.filters = filters or SearchFilters()
        self.within = self.filters.apply(Paper.objects.visible()) if self.filters.active else None
        self.like: Paper | None = None
        if query.like:
            self.like = Paper.objects.visible().filter(arxiv_id=query.like).first()
        self.found: Paper | None = find_paper(query.identifier) if query.identifier else None
        # The meaning leg runs in a worker thread while this one searches by keyword, when
        # what it does is known before the keyword count (legs.py): a search then costs
        # about the slower leg, not the sum.
        self.meaning: Future[list[tuple[int, float]]] | None = None
        # (Not on PostgreSQL: there the vector search is a query, made in this thread later.)
        if (
            self.weight_before_keyword()
            and not query.identifier
            and not self.ranks_keyword_head
            and self.vector_index.in_process
        ):
            work = self.nearest_work()
            if work is not None:
                self.meaning = legs.start(work)
        scope = Scope(self.filters) if self.filters.active else None
        self.keyword = KeywordResults(query, scope, keyword_depth(self.filters, through))

    @property
    def matched_any(self) -> bool:
        return self.keyword.matched_any

    @property
    def capped(self) -> bool:
        """Whether more papers match than the count says (PostgreSQL's tsvector.LIMIT, or
        ``SORTED_LIMIT`` in date or upvote order)."""
        if self.filters.sort != "relevance" and self.keyword.total > SORTED_LIMIT:
            return True
        return self.keyword.capped

    @cached_property
    def vector_index(self) -> vectors.VectorIndex:
        """The serving model's index, taken once: the query vector is made by its model and
        searched in it even if another model starts serving meanwhile."""
        return vectors.index()

    @cached_property
    def query_vector(self) -> np.ndarray | None:
        if self.like is not None:
            return self.vector_index.vectors_of([self.like.pk]).get(self.like.pk)
        if self.query.meaning_text:
            vector = vectors.embed_query(self.query.meaning_text, model=self.vector_index.model)
            return vector if vector.any() else None
        return None

    @cached_property
    def keyword_head(self) -> list[int]:
        return self.keyword.ranked_ids(CANDIDATES)

    @property
    def ranks_keyword_head(self) -> bool:
        """Whether meaning only re-orders the keyword head (a strict query: a phrase, a field,
        a prefix, an exclusion)."""
        return bool(self.query.strict and self.query.terms)

    @cached_property
    def semantic_head(self) -> list[int]:
        """Ids best first by meaning: over the keyword head when the query is strict, else
        over every (filtered) paper with a vector, close enough to the query."""
        # The weight first: a short query whose words match weighs meaning at nothing, and
        # its vector (a tenth of such a page's CPU) is then not made at all.
        if not self.semantic_weight:
            return []
        if self.ranks_keyword_head:
            vector = self.query_vector
            if vector is None:
                return []
            found = self.vector_index.vectors_of(self.keyword_head)
            return sorted(found, key=lambda paper_id: -float(found[paper_id] @ vector))
        if self.meaning is not None:
            nearest = self.meaning.result()
        else:
            work = self.nearest_work()
            nearest = work() if work is not None else []
        close = [pid for pid, score in nearest if score >= MIN_SIMILARITY or self.like]
        visible = visible_ids(close)
        return [paper_id for paper_id in close if paper_id in visible]

    def nearest_work(self) -> Callable[[], list[tuple[int, float]]] | None:
        """The search for the ``CANDIDATES`` papers nearest the query by meaning, as a
        function that does no database work on an ``in_process`` index (another thread may
        run it): what it needs from the database (the index's snapshot, the filters' ids,
        the query's embedder, the ``like:`` paper's vector) is read here. None when the query
        has no vector."""
        index = self.vector_index
        snapshot = index.refresh() if index.in_process else None
        text = self.query.meaning_text
        vector: np.ndarray | None = None
        embed: Callable[[str], np.ndarray] | None = None
        if self.like is not None:
            vector = self.query_vector
            if vector is None:
                return None
        elif text:
            embed = vectors.query_embedder(index.model)
        else:
            return None
        allowed = None
        if self.within is not None:
            allowed = np.fromiter(self.within.values_list("id", flat=True), dtype=np.int64)
        exclude = (self.like.pk,) if self.like is not None else ()

        def nearest() -> list[tuple[int, float]]:
            query = vector if embed is None else embed(text)
            if query is None or not query.any():
                return []
            return index.nearest(
                query, CANDIDATES, allowed=allowed, exclude=exclude, snapshot=snapshot
            )

        return nearest

    @cached_property
    def promoted(self) -> set[int]:
        """Keyword matches ranked past the keyword head that meaning brought into the head:
        the tail of keyword matches leaves them out, so no paper is listed twice."""
        outside = set(self.semantic_head) - set(self.keyword_head)
        if not outside or len(self.keyword_head) < CANDIDATES:
            return set()
        return self.keyword.matching(outside)

    @cached_property
    def semantic_weight(self) -> float:
        """How much meaning weighs: nothing in a short query whose words match papers, more
        in a long one."""
        weight = self.weight_before_keyword()
        if weight is not None:
            return weight
        return 0.0 if self.keyword.total else SEMANTIC_WEIGHT

    def weight_before_keyword(self) -> float | None:
        """The weight of meaning when the keyword search has no say in it (a ``like:``
        query, one with no words, one of more than ``SHORT_QUERY_WORDS`` words); None when it
        hangs on whether any paper has the words."""
        if self.like is not None or not self.query.terms:
            return SEMANTIC_WEIGHT
        words = len(match_terms(self.query))
        if words <= SHORT_QUERY_WORDS:
            return None
        return LONG_SEMANTIC_WEIGHT if words > LONG_QUERY_WORDS else SEMANTIC_WEIGHT

    @cached_property
    def head(self) -> list[int]:
        if self.query.identifier:
            return [self.found.pk] if self.found else []
        if not self.semantic_weight:
            return self.keyword_head
        return fuse(
            [(KEYWORD_WEIGHT, self.keyword_head), (self.semantic_weight, self.semantic_head)]
        )

    @cached_property
    def total(self) -> int:
        if self.query.identifier:
            return len(self.head)
        if self.filters.sort != "relevance":
            return len(self.sorted_ids)
        meaning_only = set(self.semantic_head) - set(self.keyword_head) - self.promoted
        return self.keyword.total + len(meaning_only)

    def __len__(self) -> int:
        return self.total

    @cached_property
    def sorted_ids(self) -> list[int]:
        """The ids in the filters' date or upvote order: the best ``SORTED_LIMIT`` keyword
        matches and the papers found by meaning."""
        if self.query.identifier:
            return self.head
        papers = self.within if self.within is not None else Paper.objects.visible()
        matches = {*self.keyword.ranked_ids(SORTED_LIMIT), *self.semantic_head}
        ordered = self.filters.order(papers.filter(id__in=matches))
        return list(ordered.values_list("id", flat=True))

    @overload
    def __getitem__(self, index: int) -> Paper: ...
    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...
    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        ids = self.ids[index]
        papers = Paper.objects.select_related("organization").in_bulk(ids)
        return [papers[i] for i in ids if i in papers]

    @cached_property
    def ids(self) -> ResultIds:
        """The same results as paper ids, for a page that loads its rows itself (the search
        page reads 20 rows narrowly rather than as model instances)."""
        return ResultIds(self)

    def ids_between(self, start: int, stop: int) -> list[int]:
        """The ids of results ``start`` to ``stop``, best first."""
        if stop <= start:
            return []
        if self.filters.sort != "relevance":
            return self.sorted_ids[start:stop]
        ids = self.head[start:stop]
        if stop > len(self.head):
            # Past the fused head come the other keyword matches, in bm25 order.
            skip = max(start - len(self.head), 0)
            ids += self.keyword.ranked_ids(
                stop - max(start, len(self.head)), CANDIDATES + skip, exclude=self.promoted
            )
        return ids


class ResultIds(Sequence[int]):
    """A search's results as ids, sliceable for Django's Paginator; as long as the count."""

    def __init__(self, results: SearchResults) -> None:
        self.results = results

    def __len__(self) -> int:
        return self.results.total

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(self.results.total)
        return self.results.ids_between(start, stop)


def _visible(count: int, *ids: int) -> QuerySet:
    return Paper.objects.visible().filter(id__in=ids).values_list("id")


def visible_ids(ids: Collection[int]) -> set[int]:
    """Those of ``ids`` that are visible, through a statement compiled once per number of
    ids (``papers.statements``): as a QuerySet, compiling it was most of the 2.3 ms this took
    at a million papers for a hybrid search's hundred candidates (2026-11-30)."""
    rows = rows_by_ids("hybrid visible", _visible, sorted(set(ids)), Paper, ("id",))
    return {row[0] for row in rows}


def find_paper(identifier: Identifier) -> Paper | None:
    """The visible paper ``identifier`` names: by arXiv id, else by DOI (DOIs are
    case-insensitive; the column has no index, so this scans, for DOI queries only)."""
    papers = Paper.objects.visible()
    if identifier.arxiv_id:
        return papers.filter(arxiv_id=identifier.arxiv_id).first()
    return papers.filter(doi__iexact=identifier.doi).order_by("id").first()


def keyword_depth(filters: SearchFilters, through: int) -> int:
    """How many of the best keyword matches the first keyword search keeps, for a reader of
    the results up to ``through``: the engine scores every match anyway, so keeping what a
    later page needs spares a second search. Results past the fused head are the keyword
    matches from ``CANDIDATES`` on, less those meaning promoted into the head (which make the
    head as much longer): so ``through`` of them reach that far. Sorted by date or upvotes,
    the results are drawn from the ``SORTED_LIMIT`` best. A reader further than that (a page
    number typed by hand) gets the usual head: a second search is needed anyway, and keeping
    ``SORTED_LIMIT`` ids first would only add to it."""
    if filters.sort != "relevance":
        return SORTED_LIMIT
    return through if through <= SORTED_LIMIT else 0


def search(text: str, filters: SearchFilters | None = None, through: int = 0) -> SearchResults:
    """The results of ``text``; ``through``: how far the caller will read them (a page's end),
    so that the keyword engine's one pass keeps as many (``keyword_depth``)."""
    return SearchResults(parse_query(text), filters, through)
