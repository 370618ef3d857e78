"""The API's lists: which daily entries and papers a request asks for, with what they need
to be shaped loaded in a fixed number of queries (never one per item)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from dailypapers.api.responses import ApiError
from dailypapers.lib.dates import Period
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.people import load_claims
from dailypapers.papers.queries import category_filter
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_bare_arxiv_id

TRENDING_POOL = 10_000  # a week's entries: ranked in Python by queries.trending()


def get_paper(arxiv_id: str) -> Paper:
    """The visible paper of an id (any version of it), or the API's 404."""
    try:
        # The API speaks of papers, not versions: 2510.11701v2 is 2510.11701.
        arxiv_id = parse_bare_arxiv_id(arxiv_id).arxiv_id
    except InvalidArxivId:
        raise ApiError(404, f"Paper {arxiv_id[:40]} not found") from None
    paper = Paper.objects.visible().select_related("organization").filter(arxiv_id=arxiv_id)
    found = paper.first()
    if found is None:
        raise ApiError(404, f"Paper {arxiv_id} not found")
    return found


def _submitter_filter(submitter: str) -> Q:
    if not submitter:
        return Q()
    return Q(submitted_by__username=submitter) | Q(submitter_name=submitter)


def daily_entries(
    *, period: Period | None, submitter: str, category: str, sort: str, page: int, limit: int
) -> list[DailyEntry]:
    """One page of daily entries: newest submissions first (``publishedAt``), or ``trending``
    (decayed votes over the last week; within a date, week or month, most upvoted)."""
    entries = DailyEntry.objects.listed().filter(_submitter_filter(submitter))
    if category:
        entries = entries.in_category(category)
    if period is not None:
        entries = entries.filter(date__gte=period.first, date__lte=period.last)
    start = page * limit
    chosen: Sequence[DailyEntry]
    if sort == "trending" and period is None:
        ranked = DailyEntry.objects.trending(timezone.now(), limit=TRENDING_POOL)
        if submitter or category:
            allowed = set(entries.values_list("pk", flat=True))
            ranked = [entry for entry in ranked if entry.pk in allowed]
        chosen = ranked[start : start + limit]
    elif sort == "trending":
        by_votes = entries.order_by("-votes", "-submitted_at", "pk")  # type: ignore[misc]
        chosen = list(by_votes[start : start + limit])
    else:
        ordered = entries.order_by("-submitted_at", "-votes", "pk")  # type: ignore[misc]
        chosen = list(ordered[start : start + limit])
    return shaped_entries(chosen)


def shaped_entries(entries: Sequence[DailyEntry]) -> list[DailyEntry]:
    """Load what ``serializers.daily_entry_dict()`` reads: submitters, claimed authors and
    author participation (a paper with a confirmed claim)."""
    prefetch_related_objects(list(entries), "submitted_by__profile")
    claims = load_claims(entry.paper for entry in entries)
    for entry in entries:
        entry.author_participating = bool(claims[entry.paper_id])  # type: ignore[attr-defined]
    return list(entries)


def with_entries(papers: Sequence[Paper]) -> set[int]:
    """Prefetch each paper's daily entries (and their submitters) and its claimed authors;
    return the ids of papers with a participating author."""
    entries = DailyEntry.objects.select_related("submitted_by__profile", "organization")
    prefetch_related_objects(list(papers), Prefetch("daily_entries", queryset=entries))
    claims = load_claims(papers)
    return {pk for pk, claimed in claims.items() if claimed}


def encode_cursor(paper: Paper) -> str:
    assert paper.published_at is not None
    raw = f"{paper.published_at.isoformat()}|{paper.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, pk = raw.partition("|")
        moment = dt.datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "cursor is not one this API gave out; start without it") from None


def papers_by_date(cursor: str, limit: int, category: str) -> tuple[list[Paper], str | None]:
    """Papers by arXiv publication date, newest first, after ``cursor``; and the next cursor.
    Papers not fetched from arXiv yet (no date) are left out until they are."""
    papers: QuerySet[Paper] = Paper.objects.visible().filter(published_at__isnull=False)
    if category:
        papers = papers.filter(category_filter(category))
    if cursor:
        moment, pk = _decode_cursor(cursor)
        papers = papers.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    found = list(
        papers.select_related("organization").order_by(F("published_at").desc(), "-pk")[: limit + 1]
    )
    page = found[:limit]
    with_entries(page)
    return page, encode_cursor(page[-1]) if len(found) > limit else None
