"""QuerySets for reading papers and daily lists: what is visible, what is on a day, what trends.

Views call these and only paginate. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q

if TYPE_CHECKING:
    from dailypapers.papers.models import DailyEntry, Paper  # noqa: F401 (used in strings)

# Trending: votes decay with the age of the paper's daily entry, as Hacker News ranks stories.
# score = votes / (age_in_hours + TRENDING_OFFSET_HOURS) ** TRENDING_GRAVITY, over the last
# TRENDING_WINDOW_DAYS. docs/trending.md explains the choice.
TRENDING_WINDOW_DAYS = 7
TRENDING_OFFSET_HOURS = 2.0
TRENDING_GRAVITY = 1.2


# A paper held by its arXiv id only (a submission arXiv has not answered yet): no v1 date, no
# abstract. Such an entry is on no list until its paper is fetched (docs/community.md).
PENDING_ENTRY = Q(paper__published_at__isnull=True, paper__abstract="")


def trending_score(votes: int, age_hours: float) -> float:
    return votes / (max(age_hours, 0.0) + TRENDING_OFFSET_HOURS) ** TRENDING_GRAVITY


def category_filter(category: str, through: str = "") -> Q:
    """Papers listed under ``category`` (``through="paper__"``: rows whose paper is).

    The one home of this rule: ``categories`` is a JSON list kept as text on SQLite and
    PostgreSQL alike, where each category stands in double quotes, so the quoted name matches
    ``cs.CL`` and never ``cs.CLX`` or a word of another field. Querysets of papers and daily
    entries use it through ``in_category``; other querysets of papers through this ``Q``.
    """
    return Q(**{f"{through}categories__icontains": f'"{category}"'})


class PaperQuerySet(models.QuerySet["Paper"]):
    def visible(self) -> PaperQuerySet:
        return self.filter(hidden=False)

    def in_category(self, category: str) -> PaperQuerySet:
        return self.filter(category_filter(category))


class DailyEntryQuerySet(models.QuerySet["DailyEntry"]):
    def visible(self) -> DailyEntryQuerySet:
        """Entries of papers shown on lists: not hidden, and fetched from arXiv."""
        return self.filter(paper__hidden=False).exclude(PENDING_ENTRY)

    def listed(self) -> DailyEntryQuerySet:
        """Visible entries with their paper and organization, most upvoted first."""
        return (
            self.visible()
            .select_related("paper", "paper__organization", "organization")
            .annotate(votes=F("paper__upstream_upvotes") + F("paper__upvote_count"))
            .order_by("-votes", "paper__title")
        )

    def in_category(self, category: str) -> DailyEntryQuerySet:
        """Entries whose paper is listed under ``category`` (see ``category_filter``)."""
        return self.filter(category_filter(category, "paper__"))

    def on_day(self, day: dt.date) -> DailyEntryQuerySet:
        return self.listed().filter(date=day)

    def between(self, first: dt.date, last: dt.date) -> DailyEntryQuerySet:
        """Entries of the days ``first`` to ``last`` inclusive, most upvoted first."""
        return self.listed().filter(date__gte=first, date__lte=last)

    def trending(self, now: dt.datetime, limit: int = 50) -> list[DailyEntry]:
        """The entries of the last week, ranked by decayed votes (see ``trending_score``).

        The window ends at ``now``, or at the end of the newest list day if that is earlier,
        so an instance whose ingestion paused (or the bundled demo) still shows its last week.
        """
        latest = self.visible().aggregate(latest=models.Max("date"))["latest"]
        if latest is None:
            return []
        end_of_latest = dt.datetime.combine(latest + dt.timedelta(days=1), dt.time(), dt.UTC)
        anchor = min(now, end_of_latest)
        first_day = (anchor - dt.timedelta(days=TRENDING_WINDOW_DAYS)).date()
        entries = list(self.between(first_day, anchor.date()))

        def score(entry: DailyEntry) -> float:
            age = (anchor - entry.submitted_at).total_seconds() / 3600
            return trending_score(entry.paper.upvotes, age)

        ranked, seen = [], set()
        for entry in sorted(entries, key=score, reverse=True):
            if entry.paper_id not in seen:  # a paper listed on two days trends once
                seen.add(entry.paper_id)
                ranked.append(entry)
        return ranked[:limit]
