"""Test helpers shared by every app: papers and daily entries built through the real write path.

Tests build their data with these instead of touching models directly, so that what they test
is stored exactly as ingestion stores it.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.writing import save_daily_entries, save_papers
from dailypapers.sources.records import DailyRecord, PaperRecord

_ids = itertools.count(1)


def make_paper(title: str = "A paper", **fields) -> Paper:
    """Save a paper as an ingest would; fields are PaperRecord's (authors, abstract, ...)."""
    arxiv_id = fields.pop("arxiv_id", None) or f"2605.{next(_ids):05d}"
    fields.setdefault("abstract", f"The abstract of {title}.")
    fields.setdefault("authors", ["Ada Lovelace", "Alan Turing"])
    fields.setdefault("published_at", dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC))
    save_papers([PaperRecord(arxiv_id=arxiv_id, title=title, **fields)])
    return Paper.objects.get(arxiv_id=arxiv_id)


def list_on(paper: Paper, day: dt.date, organization: str | None = None) -> DailyEntry:
    """Put a saved paper on the daily list of ``day`` (submitted at midnight UTC)."""
    submitted = dt.datetime.combine(day, dt.time(), dt.UTC)
    save_daily_entries([DailyRecord(paper.arxiv_id, day, submitted, organization=organization)])
    return DailyEntry.objects.get(paper=paper, date=day)


def list_for_a_digest_due_now(first: Paper, second: Paper) -> None:
    """Put ``first`` on yesterday's list, which a daily digest due now covers, and ``second``
    on today's, which it covers instead once midnight (UTC) has passed: a test that sets up
    in one process and sends from another may straddle midnight."""
    today = timezone.now().date()
    list_on(first, today - dt.timedelta(days=1))
    list_on(second, today)
