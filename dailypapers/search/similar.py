"""Similar papers: a paper's nearest neighbours by embedding, for the paper page.

Excludes the paper itself, hidden and withdrawn papers. A paper with no vector yet (not
embedded) has no similar papers rather than an error.
"""

from __future__ import annotations

from dailypapers.papers.models import Paper
from dailypapers.search import vectors

SIMILAR_COUNT = 6
# Neighbours fetched before hidden/withdrawn ones are dropped, so a few drops still fill a list.
OVERFETCH = 4


def similar_papers(paper: Paper, limit: int = SIMILAR_COUNT) -> list[Paper]:
    index = vectors.index()
    vector = index.vectors_of([paper.pk]).get(paper.pk)
    if vector is None:
        return []
    nearest = index.nearest(vector, limit + OVERFETCH, exclude=(paper.pk,))
    ids = [paper_id for paper_id, _ in nearest]
    found = (
        Paper.objects.visible()
        .filter(id__in=ids, withdrawn_at__isnull=True)
        .select_related("organization")
        .in_bulk()
    )
    return [found[i] for i in ids if i in found][:limit]
