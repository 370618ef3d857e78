"""SQLite FTS5 keyword backend: the ``paper_fts`` index over title, authors and abstract.

The index is an external-content FTS5 table over ``papers_paper`` (no second copy of the text),
kept in step by triggers (migration ``0001_fts5``) and rebuilt by ``dailypapers reindex``.
Ranking is bm25 with the title weighted highest. Only ``keyword.py`` calls this module.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from dailypapers.search.query import ParsedQuery, Term
from dailypapers.search.restrict import match_terms, within_sql

# bm25 column weights: title, author_names, abstract.
WEIGHTS = (10.0, 4.0, 1.0)
RANK = "bm25(paper_fts, {}, {}, {})".format(*WEIGHTS)
# FTS5 scores every match before it can sort (no early termination): a query matching more
# papers than this ranks only the newest LIMIT of them (papers are numbered as they arrive),
# and its count stops there. Keeps a common-word query near 10 ms at 170k papers.
LIMIT = 2000


def _quote(term: Term) -> str:
    # Inside double quotes FTS5 reads everything as plain text, so no user syntax survives.
    text = '"' + " ".join(word.replace('"', '""') for word in term.words) + '"'
    text = text + "*" if term.prefix else text
    # Column names come from query.FIELDS, never from the user.
    return f"{{{term.column}}} : {text}" if term.column else text


def match_expression(query: ParsedQuery, any_term: bool = False) -> str:
    """The MATCH expression: all terms, or any of them. Any-term matching leaves out
    stopwords ("I am interested in ..."): each matches nearly every paper, and bm25 must score
    every match (2 s at 170k papers), for almost no weight in the ranking."""
    terms = match_terms(query, any_term)
    joiner = " OR " if any_term else " AND "
    expression = "(" + joiner.join(_quote(t) for t in terms) + ")"
    if query.excluded:
        expression += " NOT (" + " OR ".join(_quote(t) for t in query.excluded) + ")"
    return expression


def count(expression: str, within: QuerySet | None = None) -> int:
    """How many visible papers match, counted up to ``LIMIT`` (the pages shown never reach
    further, and counting every match of a common word costs tens of ms)."""
    restrict, params = within_sql(within)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM paper_fts "
            "JOIN papers_paper p ON p.id = paper_fts.rowid "
            f"WHERE paper_fts MATCH %s AND NOT p.hidden{restrict} LIMIT %s)",
            [expression, *params, LIMIT],
        )
        return cursor.fetchone()[0]


def _newest_floor(expression: str, within: QuerySet | None) -> int | None:
    """The rowid of the ``LIMIT``-th newest visible match, if there are more than that."""
    restrict, params = within_sql(within)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id FROM paper_fts JOIN papers_paper p ON p.id = paper_fts.rowid "
            f"WHERE paper_fts MATCH %s AND NOT p.hidden{restrict} "
            "ORDER BY paper_fts.rowid DESC LIMIT 1 OFFSET %s",
            [expression, *params, LIMIT - 1],
        )
        row = cursor.fetchone()
        return row[0] if row else None


def ranked_ids(
    expression: str, limit: int, offset: int, within: QuerySet | None = None
) -> list[int]:
    restrict, params = within_sql(within)
    if (floor := _newest_floor(expression, within)) is not None:
        # FTS5 seeks to the rowid range, so bm25 scores at most LIMIT papers.
        restrict, params = f" AND paper_fts.rowid >= %s{restrict}", [floor, *params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM paper_fts JOIN papers_paper p ON p.id = paper_fts.rowid "
            f"WHERE paper_fts MATCH %s AND NOT p.hidden{restrict} "
            f"ORDER BY {RANK} LIMIT %s OFFSET %s",
            [expression, *params, limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


def matching_sql(expression: str) -> tuple[str, list]:
    """A subquery of the ids of the papers matching ``expression``, for ``id__in``."""
    return "SELECT rowid FROM paper_fts WHERE paper_fts MATCH %s", [expression]


def rebuild() -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO paper_fts(paper_fts) VALUES ('rebuild')")
