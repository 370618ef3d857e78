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

import itertools
import math
import re
import string
from collections import Counter
from collections.abc import Collection

import tantivy
from tantivy import Occur, Query

from dailypapers.papers.models import Organization
from dailypapers.search import similar_rows
from dailypapers.search.keyword import more_like_this, tantivy_index
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


# bm25's constants, as tantivy sets them.
K1 = 1.2
B = 0.75


# Each word of a text (split at white space and ASCII punctuation) and its tokens after the
# index's analyser, remembered per process: a paper's words are mostly known ones, and
# analysing twenty abstracts anew costs more than the rest of the ranking (about 2 us a
# token). A word with other punctuation inside is analysed whole, into all its tokens.
# Bounded: emptied when it passes ``KNOWN_WORDS``, about 210 bytes a word (tracemalloc):
# 200,000 words are 40 MiB a worker; the million allowed before were 200 MiB.
# With ``_token_counts``, ``_words_with`` and the idf memo below: 410 bytes a word of what
# a ranking keeps against 306 before them (tracemalloc, 600 rankings at 1M papers, 27k
# words), so about 80 MiB at the bound instead of 60.
BYTE_SPACES = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
KNOWN_WORDS = 200_000
_tokens_of: dict[str, tuple[str, ...]] = {}
# How many tokens each word of ``_tokens_of`` is (a column's length is their sum).
_token_counts: dict[str, int] = {}
# The words of ``_tokens_of`` that hold each token.
_words_with: dict[str, tuple[str, ...]] = {}
# Between two words analysed in one call: a token no text holds.
_SEPARATOR = "qqdailypapersseparatorqq"


def _words(texts: list[str]) -> list[list[str]]:
    """Each text's words (split at white space and ASCII punctuation), each now known to
    ``_tokens_of``: the words unknown so far are analysed in one call."""
    # ASCII punctuation replaced in the UTF-8 bytes (a byte table: several times faster than
    # str.translate's mapping, the same words, as bytes of 0x80 and above are left alone).
    words = [
        text.lower()
        .encode("utf-8", "surrogatepass")
        .translate(BYTE_SPACES)
        .decode("utf-8", "surrogatepass")
        .split()
        for text in texts
    ]
    if len(_tokens_of) > KNOWN_WORDS:
        _tokens_of.clear()
        _token_counts.clear()
        _words_with.clear()
    unknown = [word for word in set().union(*words) if word not in _tokens_of]
    if unknown:
        # One call for all: a call costs tens of microseconds whatever its length.
        analysed: list[list[str]] = [[]]
        for token in ANALYZERS[ANALYZER].analyze(f" {_SEPARATOR} ".join(unknown)):
            if token == _SEPARATOR:
                analysed.append([])
            else:
                analysed[-1].append(token)
        _tokens_of.update(zip(unknown, map(tuple, analysed), strict=True))
        _token_counts.update(zip(unknown, map(len, analysed), strict=True))
        for word, tokens in zip(unknown, analysed, strict=True):
            for token in tokens:
                # A tuple: most tokens have one or two words, and a set costs 216 bytes.
                _words_with[token] = (*_words_with.get(token, ()), word)
    return words


def _tokens(texts: list[str]) -> list[list[str]]:
    """Each text's tokens, as the index analysed it."""
    tokens_of = _tokens_of.__getitem__
    return [list(itertools.chain.from_iterable(map(tokens_of, each))) for each in _words(texts)]


# idf of each (column, token) asked for, for one generation of the index (the index object,
# the meta.json it last loaded, its number of papers): a paper's words are mostly common ones,
# asked again by the next paper; 17k doc_freq calls per 200 rankings before. A searcher is a
# new object at each call, so the generation is told by what it was opened from. Bounded
# like ``_tokens_of``.
_idfs: dict[tuple[str, str], float] = {}
_idfs_generation: list[object] = []
KNOWN_IDFS = 200_000


def _idfs_for(searcher: tantivy.Searcher) -> dict[tuple[str, str], float]:
    """The remembered idfs, emptied when ``searcher`` is of another generation."""
    index = tantivy_index.get()
    generation = [index, index.seen_meta, searcher.num_docs]
    same = len(_idfs_generation) == 3 and _idfs_generation[0] is index
    if not same or _idfs_generation[1:] != generation[1:] or len(_idfs) > KNOWN_IDFS:
        _idfs.clear()
        _idfs_generation[:] = generation
    return _idfs


def rank_by_any_word(text: str, candidates: Collection[int]) -> list[int]:
    """``candidates`` best first as a search for any of ``text``'s content words ranks them
    (``match_expression`` with ``any_term``): bm25 per column, times the column's weight,
    summed, with the index's own document frequencies. Computed here from the candidates'
    text instead of asked of the index: a search for a paper's hundred-odd words walks a
    hundred posting lists through the whole index to score twenty papers, while scoring the
    twenty directly costs the same at any size (and ranks them the same, but for rounding).

    Each column is read as words, not tokens: its length is the sum of its words' token
    counts (``map`` and ``sum`` in C), and only the words holding a token of the question
    are counted, so a candidate's column costs no Python loop over its whole text (one
    Counter of every token per column per candidate cost more than the rest of the ranking,
    bench/search_speed.py --similar-ids checks the ranking did not move)."""
    searcher = tantivy_index.get().searcher()
    papers = max(searcher.num_docs, 1)
    # A word typed twice counts once, but two words of one stem count twice, as two clauses
    # of the same token would in a search.
    query = Counter(_tokens([" ".join(dict.fromkeys(more_like_this.words(text)))])[0])
    if not query:
        return []
    rows = similar_rows.candidate_texts(list(candidates))
    if not rows:
        return []
    # One call for the three columns: ``_tokens_of`` emptied between two would lose words.
    texts = [title for _, title, _, _ in rows]
    texts += [", ".join(names) for _, _, names, _ in rows]
    texts += [abstract for _, _, _, abstract in rows]
    words_of = _words(texts)
    size = len(rows)
    columns = {
        field: words_of[place * size : (place + 1) * size]
        for place, field in enumerate(("title", "author_names", "abstract"))
    }
    # The words of the candidates that hold a token of the question, and those tokens.
    # Found through ``_words_with`` (token -> the known words holding it): a loop over the
    # question's hundred tokens instead of the candidates' thousands of distinct words.
    asked = query.keys()
    present = set().union(*words_of)
    present.intersection_update(
        itertools.chain.from_iterable(_words_with.get(token, ()) for token in asked)
    )
    matching = {word: [token for token in _tokens_of[word] if token in asked] for word in present}
    chain = itertools.chain.from_iterable
    is_matching = matching.__contains__
    tokens_matched = matching.__getitem__
    length_of = _token_counts.__getitem__
    averages = tantivy_index.average_lengths()
    idfs = _idfs_for(searcher)
    scores = dict.fromkeys((paper_id for paper_id, *_ in rows), 0.0)
    for field, weight in TEXT_FIELDS.items():
        # Each matched token's idf times its weight in the question, once per column.
        factors: dict[str, float] = {}
        for (paper_id, *_), words in zip(rows, columns[field], strict=True):
            # The column's count of each question token: filtered and counted in C.
            counts = Counter(chain(map(tokens_matched, filter(is_matching, words))))
            if not counts:
                continue
            norm = K1 * (1 - B + B * sum(map(length_of, words)) / averages[field])
            score = 0.0
            for token, tf in counts.items():
                if (factor := factors.get(token)) is None:
                    if (idf := idfs.get((field, token))) is None:
                        found_in = searcher.doc_freq(field, token)
                        idf = math.log(1 + (papers - found_in + 0.5) / (found_in + 0.5))
                        idfs[field, token] = idf
                    factor = factors[token] = query[token] * weight * idf
                score += factor * tf * (K1 + 1) / (tf + norm)
            scores[paper_id] += score
    ranked = [paper_id for paper_id, score in scores.items() if score > 0]
    return sorted(ranked, key=lambda paper_id: (-scores[paper_id], paper_id))


def catch_up() -> int:
    return tantivy_index.get().catch_up()


def rebuild() -> int:
    return tantivy_index.get().rebuild()
