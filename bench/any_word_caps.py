"""The study of cutting a long "any word" question, run by ``search_quality.py --any-word-caps``.

A long natural-language question is searched for any of its words; each word is a posting
list walked over every paper holding it (docs/search.md, "Why nothing is pruned"). Cutting
the question to its N rarest tokens (``tantivy_search.ANY_WORD_TOKENS``), or by a document
frequency cutoff, or to its rarest (column, token) clauses, saves time and may cost ranking:
this prints CACM nDCG@10 per rule, cross-validated on the dev judgments, with the share of
each question's top 20 kept. CACM is read, and its families ranked, by ``search_quality.py``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools

import numpy as np
from crossval import cross_validate, ndcg, print_validated
from search_quality import DEPTH, CacmQuery, bm25_head, by_length, keyword_grid, load_cacm

# The rules an "any word" question may be cut to (tantivy_search.telling_tokens): its N rarest
# tokens (None: all, the simplest, listed first so that a tie keeps it), and, measured once
# each, a document-frequency cutoff (tokens in more than this share of the papers left out)
# and a cap on (column, token) clauses rather than on tokens.
TOKEN_CAPS = (None, 24, 20, 16, 14, 12, 10, 8, 6)
ALTERNATIVES = (("df share", 0.05), ("df share", 0.1), ("df share", 0.2), ("clauses", 36))
ALTERNATIVES += (("clauses", 24), ("clauses", 18))


def below_share(share: float, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every clause of the tokens found in at most ``share`` of the papers' abstracts (the
    rarest token when none is)."""
    from dailypapers.search.keyword import tantivy_index

    searcher = tantivy_index.get().searcher()
    found = {token: searcher.doc_freq("abstract", token) for _, token in keys}
    kept = {t for t, df in found.items() if df <= share * searcher.num_docs}
    kept = kept or {min(found, key=found.__getitem__)}
    return {key for key in keys if key[1] in kept}


def rarest_clauses(limit: int, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The ``limit`` (column, token) clauses rarest in their own column."""
    from dailypapers.search.keyword import tantivy_index

    searcher = tantivy_index.get().searcher()
    found = {key: searcher.doc_freq(*key) for key in keys}
    return set(sorted((key for key in keys if found[key]), key=found.__getitem__)[:limit])


@contextlib.contextmanager
def any_word_rule(kind: str, value):
    """The site's keyword search with an "any word" question cut by this rule."""
    from dailypapers.search.keyword import tantivy_search

    saved = tantivy_search.ANY_WORD_TOKENS, tantivy_search._telling_clauses
    try:
        if kind == "tokens":
            tantivy_search.ANY_WORD_TOKENS = value
        elif kind == "df share":
            tantivy_search._telling_clauses = functools.partial(below_share, value)
        else:
            tantivy_search._telling_clauses = functools.partial(rarest_clauses, value)
        yield
    finally:
        tantivy_search.ANY_WORD_TOKENS, tantivy_search._telling_clauses = saved


def any_word_caps(folds: int, repeats: int) -> None:
    """CACM nDCG@10 with an "any word" question cut to its rarest tokens, per rule: keyword
    with the column weights and all-words rule cross-validated (as ``keyword_grid``), hybrid
    RRF by length cross-validated (the site's family), both as the site runs them, and how
    many of each question's top 20 (keyword) stay those of the uncut question. Then the cap
    itself cross-validated: N picked on the other folds, among TOKEN_CAPS."""
    from dailypapers.search import hybrid, vectors
    from dailypapers.search.keyword import KeywordResults
    from dailypapers.search.query import parse_query
    from dailypapers.search.restrict import match_terms

    texts, judged, documents = load_cacm()
    index = vectors.index()
    meaning = [index.nearest(vectors.embed_query(t["text"]), DEPTH) for t in texts]
    relevant = [judged[str(t["query_id"])] for t in texts]
    print(f"CACM: {documents} documents, {len(texts)} judged queries, folds {folds} x {repeats}")
    print(
        "| any-word rule | keyword CV | spread | hybrid RRF by length CV | spread "
        "| keyword as run | hybrid as run | top 20 kept |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    grid = {"short": (0.0, 0.25, 0.5), "long": (0.5, 0.75, 1.0, 1.5, 2.0), "over": (2, 3, 5, 8)}
    site: dict[str, dict[object, np.ndarray]] = {"keyword": {}, "hybrid": {}}
    uncut: list[list[int]] = []
    for kind, value in [("tokens", n) for n in TOKEN_CAPS] + list(ALTERNATIVES):
        with any_word_rule(kind, value):
            queries = [
                CacmQuery(
                    relevant=relevant[n],
                    words=len(match_terms(parse_query(t["text"]))),
                    keyword=bm25_head(t["text"]),
                    meaning=meaning[n],
                    feedback={},
                )
                for n, t in enumerate(texts)
            ]
            keyword_cv = keyword_grid(texts, queries, folds, repeats)
            family = {
                values: np.array(
                    [
                        ndcg(by_length(q, *values, 0.3), dict.fromkeys(q.relevant, 1), 10)
                        for q in queries
                    ]
                )
                for values in itertools.product(*grid.values())
            }
            hybrid_cv = cross_validate(family, folds, repeats)
            tops = [KeywordResults(parse_query(t["text"])).ranked_ids(20) for t in texts]
            fused = [[p.pk for p in hybrid.search(t["text"])[0:10]] for t in texts]
        uncut = uncut or tops
        # Some questions match fewer than 20 of CACM's papers: a share of what the uncut had.
        kept = np.mean(
            [len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(tops, uncut, strict=True)]
        )
        member = (kind, value)
        site["keyword"][member] = np.array(
            [ndcg(top, dict.fromkeys(r, 1), 10) for top, r in zip(tops, relevant, strict=True)]
        )
        site["hybrid"][member] = np.array(
            [ndcg(top, dict.fromkeys(r, 1), 10) for top, r in zip(fused, relevant, strict=True)]
        )
        print(
            f"| {kind} {value} | {keyword_cv.mean:.3f} | ±{keyword_cv.spread:.3f} "
            f"| {hybrid_cv.mean:.3f} | ±{hybrid_cv.spread:.3f} "
            f"| {site['keyword'][member].mean():.3f} | {site['hybrid'][member].mean():.3f} "
            f"| {kept:.0%} |"
        )
    rows = [
        (
            f"{name}: N rarest tokens, N picked on the other folds",
            cross_validate({m: v for m, v in table.items() if m[0] == "tokens"}, folds, repeats),
        )
        for name, table in site.items()
    ]
    print_validated(rows, "CACM nDCG@10 as the site runs it")
