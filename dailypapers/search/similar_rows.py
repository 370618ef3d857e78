"""The rows a similar-papers ranking reads, through statements compiled once per process.

A first visit of a paper page reads its candidates once (``candidates``): their text, which
``keyword.rank_by_any_word`` scores, and the link and date of those that may be shown; a
later visit (the ranking cached) reads only the shown papers' rows (``shown_rows``); the
Paper objects are made of those shown alone (``papers``).
``candidate_texts`` is the text alone, for a ranking of candidates given without their rows.
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
# Both at once, and whether the paper is withdrawn (a withdrawn one is ranked, not shown).
CANDIDATE_COLUMNS = (*TEXT_COLUMNS, "arxiv_id", "published_at", "withdrawn_at")


def _texts(count: int, *ids: int) -> models.QuerySet:
    return Paper.objects.filter(id__in=ids, hidden=False).values_list(*TEXT_COLUMNS)


def _candidates(count: int, *ids: int) -> models.QuerySet:
    return Paper.objects.visible().filter(id__in=ids).values_list(*CANDIDATE_COLUMNS)


def _shown(count: int, *ids: int) -> models.QuerySet:
    # As similar_papers always filtered them: visible, not withdrawn.
    return (
        Paper.objects.visible()
        .filter(withdrawn_at__isnull=True, id__in=ids)
        .values_list(*SHOWN_COLUMNS)
    )


# (id, title, author names, abstract) of candidates.
CandidateTexts = list[tuple[int, str, list[str], str]]


def candidate_texts(ids: Sequence[int]) -> CandidateTexts:
    """(id, title, author names, abstract) of the papers ``ids`` that are not hidden, in no
    particular order."""
    return [
        (paper_id, title, names or [], abstract)
        for paper_id, title, names, abstract in rows_by_ids(
            "similar texts", _texts, sorted(ids), Paper, TEXT_COLUMNS
        )
    ]


# A shown paper's values by id: SHOWN_COLUMNS' values, made a Paper only if shown (``papers``).
ShownRows = dict[int, list]


def candidates(ids: Sequence[int]) -> tuple[CandidateTexts, ShownRows]:
    """What ``candidate_texts`` and ``shown_rows`` read, in one statement: one round trip
    instead of two (0.3 ms of a first visit at a million papers, idle)."""
    texts: CandidateTexts = []
    shown: ShownRows = {}
    rows = rows_by_ids("similar candidates", _candidates, sorted(ids), Paper, CANDIDATE_COLUMNS)
    for paper_id, title, names, abstract, arxiv_id, published_at, withdrawn_at in rows:
        texts.append((paper_id, title, names or [], abstract))
        if withdrawn_at is None:
            shown[paper_id] = [paper_id, arxiv_id, title, published_at]
    return texts, shown


def shown_rows(ids: Sequence[int]) -> ShownRows:
    """The values of the visible, not withdrawn papers of ``ids``, by id."""
    rows = rows_by_ids("similar shown", _shown, sorted(set(ids)), Paper, SHOWN_COLUMNS)
    return {values[0]: values for values in rows}


def papers(ids: Sequence[int], shown: ShownRows, limit: int) -> list[Paper]:
    """The first ``limit`` of ``ids`` that ``shown`` holds, in order, as
    ``.only(*SHOWN_COLUMNS)`` would load them (the other columns deferred: read on first
    use). Only those: a model instance costs a few microseconds, and a ranking has twenty
    candidates for six places."""
    found = [shown[paper_id] for paper_id in ids if paper_id in shown][:limit]
    return [Paper.from_db("default", list(SHOWN_COLUMNS), values) for values in found]
