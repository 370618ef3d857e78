"""Search filters and sort orders read from GET parameters, and applied to a Paper QuerySet.

Every parameter is optional and read leniently: a value that does not parse (a bad date, an
unknown sort) is dropped, never an error, because it came from a URL anyone can edit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F, QuerySet

from dailypapers.papers.models import Paper
from dailypapers.papers.queries import category_filter
from dailypapers.sources.arxiv.categories import is_category

SORTS = {"relevance": "Most relevant", "newest": "Newest", "upvotes": "Most upvoted"}
ORGANIZATION = re.compile(r"^[-\w]{1,100}$")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class SearchFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    category: str = ""
    organization: str = ""
    has_code: bool = False
    sort: str = "relevance"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchFilters:
        category = params.get("category", "").strip()
        organization = params.get("org", "").strip()
        sort = params.get("sort", "relevance")
        return cls(
            since=_date(params.get("from", "")),
            until=_date(params.get("to", "")),
            category=category if is_category(category) else "",
            organization=organization if ORGANIZATION.match(organization) else "",
            has_code=params.get("code", "") in ("1", "on", "true", "yes"),
            sort=sort if sort in SORTS else "relevance",
        )

    @property
    def active(self) -> bool:
        """Whether any filter narrows the papers (the sort order is not a filter)."""
        return bool(self.since or self.until or self.category or self.organization or self.has_code)

    def apply(self, papers: QuerySet[Paper]) -> QuerySet[Paper]:
        if self.since:
            papers = papers.filter(published_at__date__gte=self.since)
        if self.until:
            papers = papers.filter(published_at__date__lte=self.until)
        if self.category:
            papers = papers.filter(category_filter(self.category))
        if self.organization:
            papers = papers.filter(organization__name=self.organization)
        if self.has_code:
            papers = papers.exclude(github_repo="")
        return papers

    def order(self, papers: QuerySet[Paper]) -> QuerySet[Paper]:
        """``papers`` in this sort order (relevance is not an SQL order: see hybrid.py)."""
        if self.sort == "upvotes":
            votes = F("upstream_upvotes") + F("upvote_count")
            return papers.annotate(votes=votes).order_by("-votes", "-published_at", "-id")
        return papers.order_by(F("published_at").desc(nulls_last=True), "-id")

    def as_params(self) -> dict[str, str]:
        """The non-default values, as GET parameters for links that keep them."""
        params = {
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "category": self.category,
            "org": self.organization,
            "code": "1" if self.has_code else "",
            "sort": "" if self.sort == "relevance" else self.sort,
        }
        return {name: value for name, value in params.items() if value}
