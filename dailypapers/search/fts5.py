"""SQLite FTS5 keyword backend: the ``paper_fts`` index over title, authors and abstract.

The index is an external-content FTS5 table over ``papers_paper`` (no second copy of the text),
kept in step by triggers (migration ``0001_fts5``) and rebuilt by ``dailypapers reindex``.
Ranking is bm25 with the title weighted highest. Only ``keyword.py`` calls this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet

from dailypapers.search.query import ParsedQuery, Term

# bm25 column weights: title, author_names, abstract.
WEIGHTS = (10.0, 4.0, 1.0)
RANK = "bm25(paper_fts, {}, {}, {})".format(*WEIGHTS)


def _quote(term: Term) -> str:
    # Inside double quotes FTS5 reads everything as plain text, so no user syntax survives.
    text = '"' + " ".join(word.replace('"', '""') for word in term.words) + '"'
    text = text + "*" if term.prefix else text
    # Column names come from query.FIELDS, never from the user.
    return f"{{{term.column}}} : {text}" if term.column else text


def match_expression(query: ParsedQuery, any_term: bool = False) -> str:
    joiner = " OR " if any_term else " AND "
    expression = "(" + joiner.join(_quote(t) for t in query.terms) + ")"
    if query.excluded:
        expression += " NOT (" + " OR ".join(_quote(t) for t in query.excluded) + ")"
    return expression


def _within(papers: QuerySet | None) -> tuple[str, list]:
    """SQL restricting the match to ``papers`` (a Paper QuerySet), if one is given."""
    if papers is None:
        return "", []
    sql, params = papers.values("id").query.sql_with_params()
    return f" AND p.id IN ({sql})", list(params)


def count(expression: str, within: QuerySet | None = None) -> int:
    restrict, params = _within(within)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM paper_fts JOIN papers_paper p ON p.id = paper_fts.rowid "
            f"WHERE paper_fts MATCH %s AND NOT p.hidden{restrict}",
            [expression, *params],
        )
        return cursor.fetchone()[0]


def ranked_ids(
    expression: str, limit: int, offset: int, within: QuerySet | None = None
) -> list[int]:
    restrict, params = _within(within)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM paper_fts JOIN papers_paper p ON p.id = paper_fts.rowid "
            f"WHERE paper_fts MATCH %s AND NOT p.hidden{restrict} "
            f"ORDER BY {RANK} LIMIT %s OFFSET %s",
            [expression, *params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


def ranked_among(expression: str, ids: Sequence[int]) -> list[int]:
    """Those of ``ids`` that match ``expression``, best bm25 first. The rowid constraint lets
    FTS5 look up each paper instead of scoring every match in the index."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM paper_fts WHERE paper_fts MATCH %s AND rowid IN ({marks}) "
            f"ORDER BY {RANK}",
            [expression, *ids],
        )
        return [row[0] for row in cursor.fetchall()]


def matching_sql(expression: str) -> tuple[str, list]:
    """A subquery of the ids of the papers matching ``expression``, for ``id__in``."""
    return "SELECT rowid FROM paper_fts WHERE paper_fts MATCH %s", [expression]


def rebuild() -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO paper_fts(paper_fts) VALUES ('rebuild')")
