"""The rows a similar-papers ranking reads, through statements compiled once per process.

Two reads per first visit of a paper page: the candidates' text (``candidate_texts``, which
``keyword.rank_by_any_word`` scores) and the shown papers' link and date (``shown_papers``).
Built as QuerySets each time, they cost more to compile than to run: at a million papers
about 1.5 ms of a 10 ms ranking went to Django's query compiler for twenty ids (cProfile,
2026-11-30). Here each is read by ``papers.statements.rows_by_ids`` (as ``papers/results.py``
loads a results page): a statement compiled once per number of ids, with the column
conversions Django would make.

What is not here: which papers are candidates and how they rank (similar.py, keyword/).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models

from dailypapers.papers.models import Paper
from dailypapers.papers.statements import rows_by_ids

TEXT_COLUMNS = ("id", "title", "author_names", "abstract")
SHOWN_COLUMNS = ("id", "arxiv_id", "title", "published_at")


def _texts(count: int, *ids: int) -> models.QuerySet:
    return Paper.objects.filter(id__in=ids, hidden=False).values_list(*TEXT_COLUMNS)


def _shown(count: int, *ids: int) -> models.QuerySet:
    # As similar_papers always filtered them: visible, not withdrawn.
    return (
        Paper.objects.visible()
        .filter(withdrawn_at__isnull=True, id__in=ids)
        .values_list(*SHOWN_COLUMNS)
    )


def candidate_texts(ids: Sequence[int]) -> list[tuple[int, str, list[str], str]]:
    """(id, title, author names, abstract) of the papers ``ids`` that are not hidden, in no
    particular order."""
    return [
        (paper_id, title, names or [], abstract)
        for paper_id, title, names, abstract in rows_by_ids(
            "similar texts", _texts, sorted(ids), Paper, TEXT_COLUMNS
        )
    ]


def shown_papers(ids: Sequence[int]) -> dict[int, Paper]:
    """The visible, not withdrawn papers of ``ids`` by id, as ``.only(*SHOWN_COLUMNS)``
    would load them (the other columns deferred: read on first use)."""
    rows = rows_by_ids("similar shown", _shown, sorted(set(ids)), Paper, SHOWN_COLUMNS)
    return {values[0]: Paper.from_db("default", list(SHOWN_COLUMNS), values) for values in rows}
