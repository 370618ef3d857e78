"""Similar papers, for the paper page: nearest neighbours by meaning, re-ranked with words.

``similar_papers(paper)`` takes the ``CANDIDATES`` papers whose vectors are closest to the
paper's (its title+abstract vector plus ``TITLE_WEIGHT`` times its title's vector, which keeps
the list on the paper's main subject), drops hidden and withdrawn ones, ranks the same
candidates by keyword "more like this" (bm25 of the words they share with the paper:
keyword.rank_by_shared_words), and fuses the two rankings by reciprocal rank fusion as hybrid
search does. Neither ranking alone is as good on the CSFCube dev judgments
(bench/search_quality.py, docs/search.md).

A paper with no vector yet (not embedded) has no similar papers rather than an error.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.core.cache import cache

from dailypapers.papers.models import Paper
from dailypapers.search import keyword, vectors
from dailypapers.search.embedder import paper_text
from dailypapers.search.hybrid import fuse
from dailypapers.search.vectors import VectorIndex

SIMILAR_COUNT = 6
# Nearest neighbours by meaning that the words then re-rank.
CANDIDATES = 20
# Constants chosen on the CSFCube dev judgments (bench/search_quality.py --grid).
TITLE_WEIGHT = 0.3
MEANING_WEIGHT = 1.0
WORDS_WEIGHT = 1.0


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
    """``candidates`` (paper ids) best first: closeness to ``vector`` (made by the model of
    ``index``, the serving one's by default) fused with the bm25 of the words they share with
    ``paper``. Also what bench/search_quality.py ranks each CSFCube pool with."""
    found = (index or vectors.index()).vectors_of(list(candidates))
    by_meaning = sorted(found, key=lambda paper_id: -float(found[paper_id] @ vector))
    by_words = keyword.rank_by_shared_words(paper_text(paper.title, paper.abstract), candidates)
    return fuse([(WORDS_WEIGHT, by_words), (MEANING_WEIGHT, by_meaning)])


# A paper's neighbours change only as papers arrive: the ranked ids are cached this long.
SIMILAR_CACHE_SECONDS = 3600


def similar_papers(paper: Paper, limit: int = SIMILAR_COUNT) -> list[Paper]:
    # Per model: once another model serves, the neighbours are found afresh.
    key = f"similar:{vectors.index().model}:{paper.pk}:{limit}"
    ids = cache.get(key)
    if ids is None:
        ids = similar_ids(paper, limit)
        cache.set(key, ids, SIMILAR_CACHE_SECONDS)
    # Hidden since the ranking was cached: still left out.
    # Only what the "Similar papers" block shows (a link and a date): whole rows took 1.9 ms
    # at 170k papers, these 0.8 ms, paid on every visit of the page.
    found = (
        Paper.objects.visible()
        .filter(withdrawn_at__isnull=True)
        .only("id", "arxiv_id", "title", "published_at")
        .in_bulk(ids)
    )
    return [found[i] for i in ids if i in found]


def similar_ids(paper: Paper, limit: int) -> list[int]:
    index = vectors.index()
    vector = query_vector(paper, index)
    if vector is None:
        return []
    nearest = [i for i, _ in index.nearest(vector, CANDIDATES, exclude=(paper.pk,))]
    shown = set(
        Paper.objects.visible()
        .filter(id__in=nearest, withdrawn_at__isnull=True)
        .values_list("id", flat=True)
    )
    return rank_candidates(paper, [i for i in nearest if i in shown], vector, index)[:limit]
