"""Today's arXiv announcements, read from arXiv's RSS and completed through the API.

The feed says which papers were announced (``new``, ``cross``) or replaced (``replace``,
``replace-cross``) today; full records come from the API by id. New and cross-listed papers get
their announcement day (``Paper.announced_on``); replacements record their new version.
Operators who want every announcement on the community's daily list can ask for that too
(``to_daily_list``): by default the daily list stays what people submit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from dailypapers.papers.ingest.arxiv_api import fetch_papers
from dailypapers.papers.models import Paper
from dailypapers.papers.writing import SaveCounts, save_daily_entries, save_papers
from dailypapers.sources.arxiv.rss import parse_announcements
from dailypapers.sources.http import PoliteClient
from dailypapers.sources.records import DailyRecord, PaperRecord

log = logging.getLogger(__name__)
FIRST_LISTINGS = ("new", "cross")


@dataclass
class AnnouncementResult:
    announced_on: dt.date | None = None
    by_type: Counter[str] = field(default_factory=Counter)
    counts: SaveCounts = field(default_factory=SaveCounts)
    missing: list[str] = field(default_factory=list)
    listed: int = 0


def sync_announcements(
    categories: list[str], client: PoliteClient, *, to_daily_list: bool = False
) -> AnnouncementResult:
    url = settings.ARXIV_RSS_URL.rstrip("/") + "/" + "+".join(categories)
    feed = parse_announcements(client.get(url).content)
    result = AnnouncementResult(announced_on=feed.announced_on)
    for reason in feed.skipped:
        log.warning("RSS item skipped: %s", reason)
    if not feed.announcements:
        log.info("RSS %s: no announcements (a weekend or holiday)", "+".join(categories))
        return result
    first_listed: dict[str, dt.date | None] = {}
    for item in feed.announcements:
        result.by_type[item.announce_type or "unknown"] += 1
        if item.announce_type in FIRST_LISTINGS:
            first_listed[item.arxiv_id] = item.announced_on or feed.announced_on
    fetched = fetch_papers([item.arxiv_id for item in feed.announcements], client)
    result.counts, result.missing = fetched.counts, fetched.missing
    # The API does not know the announcement day: the feed does.
    days = [
        PaperRecord(arxiv_id=arxiv_id, title=title, announced_on=day)
        for arxiv_id, title in Paper.objects.filter(arxiv_id__in=first_listed).values_list(
            "arxiv_id", "title"
        )
        if (day := first_listed[arxiv_id]) is not None
    ]
    save_papers(days)
    if to_daily_list:
        now = timezone.now()
        entries = [
            DailyRecord(paper.arxiv_id, paper.announced_on, now, submitter_name="arXiv")
            for paper in days
            if paper.announced_on is not None
        ]
        result.listed = save_daily_entries(entries).created
    return result
