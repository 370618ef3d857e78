"""Hugging Face's daily lists: entries, upvotes, submitters, organizations and links of a day.

A day is read page by page until a short page. Entries are merged into what is stored (see
``writing.save_daily_entries``): a list read early in the day adds what it has and removes
nothing, so a partial list never replaces a complete one. Upvote counts are Hugging Face's,
kept apart from our users' votes.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings

from dailypapers.papers.writing import SaveCounts, save_daily_entries, save_papers
from dailypapers.sources.hf.daily_papers import daily_papers_params, parse_daily_papers_json
from dailypapers.sources.http import PoliteClient

log = logging.getLogger(__name__)
PAGE_SIZE = 100
MAX_PAGES = 20  # a day has never held more than a few hundred papers


@dataclass
class DayResult:
    day: dt.date
    papers: SaveCounts = field(default_factory=SaveCounts)
    entries: SaveCounts = field(default_factory=SaveCounts)
    skipped: list[str] = field(default_factory=list)


def import_day(day: dt.date, client: PoliteClient) -> DayResult:
    result = DayResult(day)
    for page_number in range(MAX_PAGES):
        params = daily_papers_params(date=day, page=page_number, limit=PAGE_SIZE)
        response = client.get(settings.HF_API_URL, params=params)
        page = parse_daily_papers_json(response.content, list_date=day)
        for reason in page.skipped:
            log.warning("Hugging Face %s: skipped %s", day, reason)
        result.skipped += page.skipped
        # Entries carry the day asked for (list_date): that is the list they were read from.
        result.papers.add(save_papers(paper for paper, _ in page.pairs))
        result.entries.add(save_daily_entries(entry for _, entry in page.pairs))
        if len(page.pairs) + len(page.skipped) < PAGE_SIZE:
            break
    log.info("Hugging Face %s: papers %s; entries %s", day, result.papers, result.entries)
    return result
