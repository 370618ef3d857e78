"""SQLite keyword backend: bm25 over the tantivy index of ``tantivy_index.py``.

Chosen over SQLite FTS5 by measurement (docs/search.md): FTS5 scores every match before it
can sort, so a common word costs tens of milliseconds at 170k papers; tantivy scores and
counts the matches of a common word several times faster. It scores every match, though:
its block-max WAND (skipping what cannot reach the top) runs only under a lone top-k
collector, and tantivy-py 0.27's ``Searcher.search`` always collects through a
``MultiCollector``, even with ``count=False``; so a search costs in proportion to its
matches (docs/search.md, "How big one machine goes"), and counts them exactly. Each term of the
parsed query becomes a query over title, authors and abstract, weighted as
``tantivy_index.TEXT_FIELDS`` (a term in one column is a query on that column); words are
analysed as the documents were, so nothing typed is read as syntax. Search filters are
clauses on fields of the index, so a filtered search is one query. Only the keyword package
(``__init__.py``) calls this module, through the contract of ``contract.py``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection

import tantivy
from tantivy import Occur, Query

from dailypapers.papers.models import Organization
from dailypapers.search.keyword import any_word, more_like_this, tantivy_index
from dailypapers.search.keyword.tantivy_index import (
    ANALYZER,
    ANALYZERS,
    EPOCH,
    PREFIX_ANALYZER,
    SCHEMA,
    TEXT_FIELDS,
)
from dailypapers.search.query import ParsedQuery, Term
from dailypapers.search.restrict import Scope, match_terms
from dailypapers.search.similar_rows import CandidateTexts

# Counts are exact, and every match can be paged to (no cap, unlike the SQL backends).
LIMIT = None
# Words of a paper that "more like this" searches by (Lucene's default is 25 too).
MLT_WORDS = 25
# An "any word" question is searched by this many of its tokens at most, the rarest
# (``telling_tokens``); None: all of them. docs/search.md has the measurements.
ANY_WORD_TOKENS: int | None = None
# The text "more like this" compares is title and abstract: author names are left out.
MLT_FIELDS = {field: TEXT_FIELDS[field] for field in ("title", "abstract")}


def _field_query(field: str, term: Term) -> Query | None:
    if term.prefix:
        tokens: list = ANALYZERS[PREFIX_ANALYZER].analyze(" ".join(term.words))
        if len(tokens) == 1:
            return Query.regex_query(SCHEMA, field, re.escape(tokens[0]) + ".*")
        return Query.phrase_prefix_query(SCHEMA, field, tokens) if tokens else None
    tokens = list(ANALYZERS[ANALYZER].analyze(" ".join(term.words)))
    if len(tokens) == 1:
        return Query.term_query(SCHEMA, field, tokens[0])
    return Query.phrase_query(SCHEMA, field, tokens) if tokens else None


def _field_queries(term: Term) -> list[Query]:
    """One term over its column, or over every text column, each with its weight."""
    fields = {term.column: 1.0} if term.column else TEXT_FIELDS
    return [
        Query.boost_query(query, weight)
        for field, weight in fields.items()
        if (query := _field_query(field, term)) is not None
    ]


def _term_query(term: Term) -> Query | None:
    """A document matches the term if any of its columns does."""
    queries = _field_queries(term)
    if len(queries) <= 1:
        return queries[0] if queries else None
    return Query.boolean_query([(Occur.Should, query) for query in queries])


def _any_term_queries(terms: list[Term]) -> list[Query]:
    """Every (column, word) query of the terms, in their order, for one flat disjunction:
    it scores the same as nested per-term ones, in half the time for a long natural-language
    question (one union of term scorers instead of a union of unions). Words of one stem
    ("program", "programs", "programming") are one token, so their queries are one, weighing
    as many times as the token comes: the same score (bm25 is linear in the weight), its
    posting list walked once. 35 of the 64 CACM questions repeat a token, 12% of the postings
    their searches walked at 1M papers."""
    order: list[Query | tuple[str, str]] = []
    weights: dict[tuple[str, str], float] = {}
    for term in terms:
        tokens = [] if term.prefix else ANALYZERS[ANALYZER].analyze(" ".join(term.words))
        if len(tokens) != 1:  # a phrase or a prefix: a query of its own
            order += _field_queries(term)
            continue
        for field, weight in ({term.column: 1.0} if term.column else TEXT_FIELDS).items():
            if (key := (field, tokens[0])) not in weights:
                order.append(key)
            weights[key] = weights.get(key, 0.0) + weight
    kept = _telling_clauses([item for item in order if isinstance(item, tuple)])
    return [
        Query.boost_query(Query.term_query(SCHEMA, *item), weights[item])
        if isinstance(item, tuple)
        else item
        for item in order
        if not isinstance(item, tuple) or item in kept
    ]


def _telling_clauses(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (column, token) clauses of an "any word" question kept: every column of its
    telling tokens (bench/search_quality.py swaps this to measure other rules)."""
    tokens = telling_tokens([token for _, token in keys])
    return {key for key in keys if key[1] in tokens}


def telling_tokens(tokens: list[str], limit: int | None = None) -> set[str]:
    """The ``limit`` (default ``ANY_WORD_TOKENS``) tokens of an "any word" question that tell
    the most, rarest in the index first (abstract document frequency, as
    ``more_like_this_expression`` ranks them; a tie goes to the token the question uses
    first), or all of them when it has no more. Each token left out is a posting list of
    every column not walked: the cost of a long question grows with its common words' matches.
    A token no column holds is left out before the rarest are taken (it would be the rarest,
    and it matches and scores nothing)."""
    limit = ANY_WORD_TOKENS if limit is None else limit
    distinct = list(dict.fromkeys(tokens))
    if limit is None or len(distinct) <= limit:
        return set(distinct)
    searcher = tantivy_index.get().searcher()
    found = {token: searcher.doc_freq("abstract", token) for token in distinct}
    held = [
        token
        for token in distinct
        if found[token] or any(searcher.doc_freq(field, token) for field in TEXT_FIELDS)
    ]
    return set(sorted(held, key=lambda token: found[token])[:limit])  # sorted() is stable


def match_expression(query: ParsedQuery, any_term: bool = False) -> Query | None:
    """The query: all terms, or any of them (without stopwords, as restrict.match_terms says),
    none of the excluded ones; None when no term has a word the index could hold."""
    clauses: list[tuple[Occur, Query]] = []
    if any_term:
        clauses = [(Occur.Should, q) for q in _any_term_queries(match_terms(query))]
    else:
        for term in match_terms(query):
            if (must := _term_query(term)) is not None:
                clauses.append((Occur.Must, must))
    if not clauses:
        return None
    for term in query.excluded:
        if (excluded := _term_query(term)) is not None:
            clauses.append((Occur.MustNot, excluded))
    return Query.boolean_query(clauses)


def more_like_this_expression(words: list[str], limit: int = MLT_WORDS) -> Query | None:
    """Any of the ``limit`` words that best tell a text (given as its words) apart: most
    frequent in it, rarest in the index (tf x idf), as Lucene's MoreLikeThis picks them. Fewer
    words keep ranking a paper's candidates fast (each word is a posting list to walk): 25
    take half the time of all of a paper's words at 170k papers, for the same quality on the
    CSFCube dev judgments (0.575 and 0.576 fused, docs/search.md)."""
    searcher = tantivy_index.get().searcher()
    papers = max(searcher.num_docs, 1)
    counts = Counter(ANALYZERS[ANALYZER].analyze(" ".join(words)))

    def tf_idf(token: str) -> float:
        return counts[token] * math.log(1 + papers / (1 + searcher.doc_freq("abstract", token)))

    chosen = sorted(counts, key=tf_idf, reverse=True)[:limit]
    # Each word weighs as often as the text uses it (CSFCube: 0.575 against 0.559 unweighted).
    clauses = [
        (Occur.Should, Query.boost_query(Query.term_query(SCHEMA, field, token), weight * count))
        for token in chosen
        for field, weight in MLT_FIELDS.items()
        if (count := counts[token])
    ]
    return Query.boolean_query(clauses) if clauses else None


def _day(value) -> int:
    return (value - EPOCH).days


def _restricted(searcher: tantivy.Searcher, expression: Query, scope: Scope) -> Query:
    """The match, among visible papers within the scope's filters and ids; the expression
    itself when nothing restricts it. tantivy scores every match through tantivy-py (below),
    and a boolean query around the match costs 10-12% of a long question's CPU time at 1M
    papers: the index holds no hidden paper, so an unfiltered search needs none."""
    clauses: list[tuple[Occur, Query]] = [(Occur.Must, expression)]
    # An index built before hidden papers were left out of it may hold some (counted until
    # their segment is merged, so this errs on the side of leaving them out).
    if searcher.doc_freq("hidden", 1):
        clauses.append((Occur.MustNot, Query.term_query(SCHEMA, "hidden", 1)))
    if (filters := scope.filters) is not None:
        if filters.since or filters.until:
            since = _day(filters.since) if filters.since else None
            until = _day(filters.until) if filters.until else None
            published = Query.range_query(
                SCHEMA, "published", tantivy.FieldType.Integer, since, until
            )
            clauses.append((Occur.Must, published))
        if filters.category:
            clauses.append(
                (Occur.Must, Query.term_query(SCHEMA, "categories", filters.category.lower()))
            )
        if filters.organization:
            found = Organization.objects.filter(name=filters.organization).values_list("id")
            organization = found.first()
            clauses.append(
                (Occur.Must, Query.term_query(SCHEMA, "organization", organization[0]))
                if organization
                else (Occur.Must, Query.empty_query())
            )
        if filters.has_code:
            clauses.append((Occur.Must, Query.term_query(SCHEMA, "has_code", 1)))
    if scope.only is not None:
        # A few ids: a disjunction of id terms is faster than a term set query (0.8 ms for 20).
        only = [(Occur.Should, Query.term_query(SCHEMA, "id", i)) for i in sorted(scope.only)]
        clauses.append((Occur.Must, Query.boolean_query(only) if only else Query.empty_query()))
    if scope.exclude:
        clauses.append((Occur.MustNot, Query.term_set_query(SCHEMA, "id", sorted(scope.exclude))))
    return expression if len(clauses) == 1 else Query.boolean_query(clauses)


def search(expression: Query, limit: int, offset: int, scope: Scope) -> tuple[list[int], int]:
    """Paper ids best first (bm25), ``limit`` of them from ``offset``, and how many visible
    papers in the scope match (exactly): one pass over the matches gives both."""
    searcher = tantivy_index.get().searcher()
    query = _restricted(searcher, expression, scope)
    result = searcher.search(query, limit, count=True, offset=offset)
    ids: list = searcher.fast_field_values("id", [address for _, address in result.hits])
    return ids, result.count  # type: ignore[attr-defined]  # missing from tantivy's stubs


def ranked_ids(expression: Query, limit: int, offset: int, scope: Scope) -> list[int]:
    """Paper ids best first (bm25), ``limit`` of them from ``offset``."""
    searcher = tantivy_index.get().searcher()
    hits = searcher.search(
        _restricted(searcher, expression, scope), limit, count=False, offset=offset
    ).hits
    ids: list = searcher.fast_field_values("id", [address for _, address in hits])
    return ids


def rank_by_shared_words(text: str, candidates: Collection[int]) -> list[int]:
    """``candidates`` best first by bm25 of ``text``'s 25 best words (keyword.py says why)."""
    expression = more_like_this_expression(more_like_this.words(text))
    if expression is None:
        return []
    scope = Scope(only=frozenset(candidates))
    return ranked_ids(expression, len(candidates), 0, scope)


def rank_by_any_word(
    text: str, candidates: Collection[int], texts: CandidateTexts | None = None
) -> list[int]:
    """``candidates`` best first as a search for any of ``text``'s content words ranks them:
    computed from their text (``texts`` when given, else read), not searched for
    (any_word.py says why)."""
    return any_word.rank_by_any_word(text, candidates, texts)


def catch_up() -> int:
    return tantivy_index.get().catch_up()


def rebuild() -> int:
    return tantivy_index.get().rebuild()
