"""A day's arXiv announcements that nobody has submitted yet, and which days have papers at all.

The daily page of a day with fewer than ``DAILY_FILL_BELOW`` submitted papers shows, after them,
that day's announcements (``Paper.announced_on``, set by ``ingest rss``, ``ingest sync`` and
the snapshot import) whose primary category is one of ``ARXIV_CATEGORIES``, so an instance that
ingests arXiv but has no community yet never shows an empty front page. The ranking rule
(docs/community.md, "Not yet submitted"):

1. most upvoted first (our readers' upvotes, and Hugging Face's for a paper it listed);
2. then by the place of the paper's primary category in ``ARXIV_CATEGORIES``: the operator
   lists first what the site is most about;
3. then in arXiv's own order, by id (arXiv numbers papers as they are submitted).

A day "has papers" when it has a visible submitted entry or such an announcement: previous/next
on the daily pages skip the days without (weekends, holidays); ``neighbour_days`` asks for
both in one statement compiled once per process (``statements.py``), each side walking a
date index from ``day`` and stopping at its first row. What is not here: the page.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Value, When

from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.statements import Statement, as_date


def _announcements() -> models.QuerySet[Paper]:
    return Paper.objects.visible().filter(primary_category__in=settings.ARXIV_CATEGORIES)


def not_yet_submitted(day: dt.date, limit: int) -> list[Paper]:
    """Up to ``limit`` papers announced on ``day`` in the site's categories, on no list that
    day, ranked by the rule above."""
    if limit <= 0 or not settings.ARXIV_CATEGORIES:
        return []
    place = Case(
        *(
            When(primary_category=category, then=Value(position))
            for position, category in enumerate(settings.ARXIV_CATEGORIES)
        ),
        default=Value(len(settings.ARXIV_CATEGORIES)),
        output_field=IntegerField(),
    )
    papers = (
        _announcements()
        .filter(announced_on=day)
        .exclude(daily_entries__date=day)
        .select_related("organization")
        .annotate(votes=F("upstream_upvotes") + F("upvote_count"), place=place)
        .order_by("-votes", "place", "arxiv_id")
    )
    return list(papers[:limit])


def _nearest(rows: models.QuerySet, field: str, newest: bool) -> dt.date | None:
    # ORDER BY ... LIMIT 1 walks the date index and stops at the first row that passes the
    # other filters; MAX() with such filters reads every earlier row.
    return rows.order_by(f"-{field}" if newest else field).values_list(field, flat=True).first()


def _newest_days(variant) -> list[models.QuerySet]:
    return [
        DailyEntry.objects.visible().order_by("-date").values_list("date")[:1],
        _announcements()
        .filter(announced_on__isnull=False)
        .order_by("-announced_on")
        .values_list("announced_on")[:1],
    ]


def latest_day() -> dt.date | None:
    """The newest day with papers: submitted ones or announcements in the site's categories
    (one statement compiled once per process, as ``neighbour_days``)."""
    row = _NEWEST_DAYS.run([], variant=tuple(settings.ARXIV_CATEGORIES))[0]
    return max((day for day in map(as_date, row) if day is not None), default=None)


def day_before(day: dt.date) -> dt.date | None:
    """The closest earlier day with papers, or None."""
    days = [
        _nearest(DailyEntry.objects.visible().filter(date__lt=day), "date", newest=True),
        _nearest(_announcements().filter(announced_on__lt=day), "announced_on", newest=True),
    ]
    return max((found for found in days if found is not None), default=None)


def day_after(day: dt.date) -> dt.date | None:
    """The closest later day with papers, or None."""
    days = [
        _nearest(DailyEntry.objects.visible().filter(date__gt=day), "date", newest=False),
        _nearest(_announcements().filter(announced_on__gt=day), "announced_on", newest=False),
    ]
    return min((found for found in days if found is not None), default=None)


def _neighbour_lookups(variant, before: dt.date, after: dt.date) -> list[models.QuerySet]:
    def nearest(rows: models.QuerySet, field: str, newest: bool) -> models.QuerySet:
        return rows.order_by(f"-{field}" if newest else field).values_list(field)[:1]

    return [
        nearest(DailyEntry.objects.visible().filter(date__lt=before), "date", newest=True),
        nearest(_announcements().filter(announced_on__lt=before), "announced_on", newest=True),
        nearest(DailyEntry.objects.visible().filter(date__gt=after), "date", newest=False),
        nearest(_announcements().filter(announced_on__gt=after), "announced_on", newest=False),
    ]


_NEWEST_DAYS = Statement(_newest_days, [])
_NEIGHBOURS = Statement(_neighbour_lookups, [dt.date(1111, 11, 11), dt.date(1222, 12, 22)])


def neighbour_days(first: dt.date, last: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """``(day_before(first), day_after(last))`` in one query."""
    row = _NEIGHBOURS.run([first, last], variant=tuple(settings.ARXIV_CATEGORIES))[0]
    earlier = [day for day in map(as_date, row[:2]) if day is not None]
    later = [day for day in map(as_date, row[2:]) if day is not None]
    return max(earlier, default=None), min(later, default=None)


def _newest_listed(variant) -> models.QuerySet:
    return DailyEntry.objects.visible().order_by("-date").values_list("date")[:1]


_NEWEST_LISTED = Statement(_newest_listed, [])


def latest_list_day() -> dt.date | None:
    """The newest day with a visible submitted entry (``DailyEntry.latest_date``), by walking
    the date index from the newest day, in a statement compiled once per process."""
    rows = _NEWEST_LISTED.run([])
    return as_date(rows[0][0]) if rows else None
