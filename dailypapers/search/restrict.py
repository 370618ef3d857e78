"""What the keyword backends (tantivy_search.py, tsvector.py) share: the terms a match uses,
and the scope a match is restricted to (search filters, a set of ids, ids to leave out)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from dailypapers.papers.models import Paper
from dailypapers.search.filters import SearchFilters
from dailypapers.search.query import STOPWORDS, ParsedQuery, Term


def match_terms(query: ParsedQuery) -> list[Term]:
    """The terms to match, leaving out stopwords ("I am interested in ...") unless the query
    has nothing else: with all terms required, each would only slow the intersection (nearly
    every paper has them); with any term, each would match nearly every paper, for almost no
    weight in the ranking. Phrases keep theirs ("the pile")."""
    kept = [t for t in query.terms if len(t.words) > 1 or t.words[0] not in STOPWORDS]
    return kept or query.terms


@dataclass(frozen=True)
class Scope:
    """The papers a match may return: those passing ``filters`` (when given), only the ids in
    ``only`` (when given), never those in ``exclude``. Hidden papers never match."""

    filters: SearchFilters | None = None
    only: frozenset[int] | None = None
    exclude: frozenset[int] = frozenset()

    def but_not(self, ids) -> Scope:
        return Scope(self.filters, self.only, self.exclude | frozenset(ids))

    def queryset(self) -> QuerySet[Paper] | None:
        """The scope as a Paper QuerySet, for the SQL backends (None: every paper)."""
        if self.filters is None and self.only is None and not self.exclude:
            return None
        papers: QuerySet[Paper] = Paper.objects.all()
        if self.filters is not None:
            papers = self.filters.apply(papers)
        if self.only is not None:
            papers = papers.filter(id__in=self.only)
        return papers.exclude(id__in=self.exclude) if self.exclude else papers


def within_sql(scope: Scope) -> tuple[str, list]:
    """SQL restricting a match to the scope (the papers table aliased ``p``)."""
    papers = scope.queryset()
    if papers is None:
        return "", []
    sql, params = papers.values("id").query.sql_with_params()
    return f" AND p.id IN ({sql})", list(params)
