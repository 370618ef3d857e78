"""What the keyword backends (fts5.py, tsvector.py) share: the terms a match uses, and the SQL
that restricts a match to a filtered set of papers. Both read the same on every engine."""

from __future__ import annotations

from django.db.models import QuerySet

from dailypapers.search.query import STOPWORDS, ParsedQuery, Term


def match_terms(query: ParsedQuery, any_term: bool) -> list[Term]:
    """The terms to match: all of them, or for an any-term match all but stopwords ("I am
    interested in ..."), since each would match nearly every paper and bm25 must score every
    match, for almost no weight in the ranking."""
    if not any_term:
        return query.terms
    kept = [t for t in query.terms if len(t.words) > 1 or t.words[0] not in STOPWORDS]
    return kept or query.terms


def within_sql(papers: QuerySet | None) -> tuple[str, list]:
    """SQL restricting the match to ``papers`` (a Paper QuerySet aliased ``p``), if given."""
    if papers is None:
        return "", []
    sql, params = papers.values("id").query.sql_with_params()
    return f" AND p.id IN ({sql})", list(params)
