"""The rows a similar-papers ranking reads, through statements compiled once per process.

Two reads per first visit of a paper page: the candidates' text (``candidate_texts``, which
``keyword.rank_by_any_word`` scores) and the shown papers' link and date (``shown_papers``).
Built as QuerySets each time, they cost more to compile than to run: at a million papers
about 1.5 ms of a 10 ms ranking went to Django's query compiler for twenty ids (cProfile,
2026-11-30). Here each is a ``papers.statements.Statement`` per number of ids (as
``papers/results.py`` loads a results page), with the column conversions Django would make
(a JSON column decoded, a SQLite datetime made aware) applied to the columns that need them.

What is not here: which papers are candidates and how they rank (similar.py, keyword/).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models

from dailypapers.papers.models import Paper
from dailypapers.papers.statements import Statement

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


# One statement per (query, number of ids): a ranking has up to ``similar.CANDIDATES``.
_STATEMENTS: dict[tuple[str, int], Statement] = {}


def _run(
    name: str, build: Callable[..., models.QuerySet], columns: Sequence[str], ids: Sequence[int]
) -> list[list[Any]]:
    """The rows of ``build`` for ``ids``, each converted as Django converts ``columns``."""
    if not ids:
        return []
    count = len(ids)
    statement = _STATEMENTS.get((name, count))
    if statement is None:
        # Stand-ins for the ids while it is compiled: no row has a negative id.
        statement = Statement(build, [-8_250_001 - n for n in range(count)])
        statement = _STATEMENTS.setdefault((name, count), statement)
    rows = statement.run(list(ids), count)
    connection = connections["default"]
    converted = []
    for place, name_ in enumerate(columns):
        field = Paper._meta.get_field(name_)
        assert isinstance(field, models.Field)
        column = field.get_col(Paper._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if converters:
            converted.append((place, column, converters))
    found = []
    for row in rows:
        values = list(row)
        for place, column, converters in converted:
            for convert in converters:
                values[place] = convert(values[place], column, connection)
        found.append(values)
    return found


def candidate_texts(ids: Sequence[int]) -> list[tuple[int, str, list[str], str]]:
    """(id, title, author names, abstract) of the papers ``ids`` that are not hidden, in no
    particular order."""
    return [
        (paper_id, title, names or [], abstract)
        for paper_id, title, names, abstract in _run("texts", _texts, TEXT_COLUMNS, sorted(ids))
    ]


def shown_papers(ids: Sequence[int]) -> dict[int, Paper]:
    """The visible, not withdrawn papers of ``ids`` by id, as ``.only(*SHOWN_COLUMNS)``
    would load them (the other columns deferred: read on first use)."""
    rows = _run("shown", _shown, SHOWN_COLUMNS, sorted(set(ids)))
    return {values[0]: Paper.from_db("default", list(SHOWN_COLUMNS), values) for values in rows}
