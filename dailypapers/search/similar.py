"""Similar papers, for the paper page: nearest neighbours by meaning, re-ranked with words.

``similar_papers(paper)`` takes the ``CANDIDATES`` papers whose vectors are closest to the
paper's (its title+abstract vector plus ``TITLE_WEIGHT`` times its title's vector, which keeps
the list on the paper's main subject), drops hidden and withdrawn ones, ranks the same
candidates by their words (a keyword search for any of the paper's content words among them:
keyword.rank_by_any_word), and mixes the two rankings: each candidate scores
``MEANING_WEIGHT`` times its place by meaning plus ``1 - MEANING_WEIGHT`` times its place by
words, each place scaled to [0, 1] over the candidates. Among the mixes tried (this one,
reciprocal rank fusion), it held best under cross-validation on the CSFCube dev judgments
(bench/search_quality.py, docs/search.md), and neither ranking alone comes close.

A paper with no vector yet (not embedded) has no similar papers rather than an error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.core.cache import cache

from dailypapers.papers.models import Paper
from dailypapers.search import keyword, similar_rows, vectors
from dailypapers.search.embedder import paper_text
from dailypapers.search.vectors import VectorIndex

SIMILAR_COUNT = 6
# Nearest neighbours by meaning that the words then re-rank.
CANDIDATES = 20
# Constants chosen by cross-validation on the CSFCube dev judgments (bench/search_quality.py).
TITLE_WEIGHT = 0.3
MEANING_WEIGHT = 0.6


def query_vector(paper: Paper, index: VectorIndex | None = None) -> np.ndarray | None:
    """What the paper's neighbours are found by: its stored vector, leaning towards its title
    (both by the model of ``index``, the serving one's by default)."""
    index = index or vectors.index()
    vector = index.vectors_of([paper.pk]).get(paper.pk)
    if vector is None:
        return None
    title = vectors.embed_query(paper.title, model=index.model)
    mixed = vector + TITLE_WEIGHT * title if len(title) == len(vector) else vector
    return mixed / max(float(np.linalg.norm(mixed)), 1e-12)


def rank_candidates(
    paper: Paper,
    candidates: Sequence[int],
    vector: np.ndarray,
    index: VectorIndex | None = None,
) -> list[int]:
    """``candidates`` (paper ids) best first: their places by closeness to ``vector`` (made by
    the model of ``index``, the serving one's by default) mixed with their places in a keyword
    search for any of ``paper``'s words. Also what bench/search_quality.py ranks each CSFCube
    pool with."""
    found = (index or vectors.index()).vectors_of(list(candidates))
    by_meaning = sorted(found, key=lambda paper_id: -float(found[paper_id] @ vector))
    return rank_by_meaning_and_words(paper, by_meaning)


def rank_by_meaning_and_words(
    paper: Paper, by_meaning: list[int], texts: similar_rows.CandidateTexts | None = None
) -> list[int]:
    """``by_meaning`` (candidates best first by closeness) mixed with their places in a
    keyword search for any of ``paper``'s words (``texts``: the candidates' rows, if read)."""
    text = paper_text(paper.title, paper.abstract)
    by_words = keyword.rank_by_any_word(text, by_meaning, texts)
    return mix_places(
        [(1 - MEANING_WEIGHT, by_words), (MEANING_WEIGHT, by_meaning)], len(by_meaning)
    )


def mix_places(ranked_lists: list[tuple[float, list[int]]], size: int) -> list[int]:
    """Ids best first by ``sum(weight * (1 - place / size))`` over (weight, ids best first)
    lists: a convex mix of places. Unlike reciprocal rank fusion, the fifth place weighs nearly
    as much as the first, as it should among a score of candidates that are all near."""
    scores: dict[int, float] = {}
    for weight, ids in ranked_lists:
        for place, paper_id in enumerate(ids):
            scores[paper_id] = scores.get(paper_id, 0.0) + weight * (1 - place / max(size, 1))
    return sorted(scores, key=lambda paper_id: -scores[paper_id])


# A paper's neighbours change only as papers arrive: the ranked ids are cached this long.
SIMILAR_CACHE_SECONDS = 3600


def similar_papers(paper: Paper, limit: int = SIMILAR_COUNT) -> list[Paper]:
    # Per model: once another model serves, the neighbours are found afresh.
    index = vectors.index()
    key = f"similar:{index.model}:{paper.pk}"
    ids = cache.get(key)
    shown: similar_rows.ShownRows | None = None
    if ids is None:
        ids, shown = _ranked(paper, index)
        cache.set(key, ids, SIMILAR_CACHE_SECONDS)
    # Hidden and withdrawn papers are left out here, the one place that loads rows: also
    # those hidden since the ranking was cached. Only what the "Similar papers" block shows
    # (a link and a date): whole rows took 1.9 ms at 170k papers, these 0.8 ms.
    # (a compiled statement: the QuerySet's compiling was most of its cost, similar_rows.py).
    # A ranking just made read them with the candidates' text (one statement for both).
    if shown is None:
        shown = similar_rows.shown_rows(ids)
    return similar_rows.papers(ids, shown, limit)


def similar_ids(paper: Paper) -> list[int]:
    """Every candidate best first, the hidden and withdrawn ones included (``similar_papers``
    leaves them out when it loads the rows it shows)."""
    return _ranked(paper, vectors.index())[0]


def _ranked(paper: Paper, index: VectorIndex) -> tuple[list[int], similar_rows.ShownRows]:
    """``similar_ids`` and the rows ``similar_papers`` shows of them (visible, not
    withdrawn), read with the candidates' text in one statement; ``index``: the serving
    model's, which the cache key named."""
    vector = query_vector(paper, index)
    if vector is None:
        return [], {}
    # ``nearest`` scores its candidates exactly (the stored vectors, not the graph's) and
    # sorts them by score: their places by meaning as they are, without reading their
    # vectors again as ``rank_candidates`` would (0.26 ms at a million papers).
    nearest = [i for i, _ in index.nearest(vector, CANDIDATES, exclude=(paper.pk,))]
    if not nearest:
        return [], {}
    texts, shown = similar_rows.candidates(nearest)
    return rank_by_meaning_and_words(paper, nearest, texts), shown
