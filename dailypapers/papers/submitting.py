"""A user submits a paper to today's daily list: the rules, in one function the view calls.

The id is parsed (any form: bare, versioned, abs/pdf URL), then:

- a paper already on a daily list is not listed again; the answer says which day's list;
- an unknown paper is fetched from arXiv through ``dailypapers.papers.ingest`` when
  ``INGEST_CONTACT`` is set, in one attempt (no request thread sleeps on arXiv's Retry-After);
  an id arXiv does not know is refused. When arXiv cannot be asked now the paper is saved with
  its id only and queued (``PaperFetch``): it is pending, shown to its submitter only and on no
  list, until ``dailypapers submissions fetch`` fills it in (or withdraws it, if arXiv does not
  know the id);
- only papers first published within ``SUBMIT_MAX_AGE_DAYS`` are taken. For a paper not fetched
  yet the id itself tells its month (YYMM), the closest the rule can be checked without arXiv.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dailypapers.papers.models import DailyEntry, Paper, PaperFetch
from dailypapers.papers.ondemand import enqueue
from dailypapers.papers.queries import PENDING_ENTRY
from dailypapers.papers.writing import save_daily_entries, save_papers
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.records import DailyRecord, PaperRecord

MAX_INPUT = 300  # an abs URL with a query string fits; an essay does not


class SubmitRefused(Exception):
    """The submission is refused; the message says why, for the person who submitted."""

    def __init__(self, message: str, entry: DailyEntry | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry  # where the paper already is, for a duplicate


@dataclass
class Submitted:
    entry: DailyEntry
    pending: bool  # saved with its id only; arXiv is asked later


def parse_submission(text: str) -> str:
    if len(text) > MAX_INPUT:
        raise SubmitRefused("That is too long for an arXiv id or URL.")
    try:
        parsed = parse_arxiv_id(text)
    except InvalidArxivId:
        raise SubmitRefused(
            "That is not an arXiv id or URL (e.g. 2605.12345 or https://arxiv.org/abs/2605.12345)."
        ) from None
    return parsed.arxiv_id


def _month_of_id(arxiv_id: str) -> dt.date | None:
    """The first day of the month a new-style id was issued in (2605.12345 -> 2026-05-01)."""
    if "/" in arxiv_id:
        return None  # old-style ids stopped in 2007
    yymm = arxiv_id.split(".")[0]
    return dt.date(2000 + int(yymm[:2]), int(yymm[2:]), 1)


def _check_recent(paper: Paper | None, arxiv_id: str, now: dt.datetime) -> None:
    days = settings.SUBMIT_MAX_AGE_DAYS
    oldest = now - dt.timedelta(days=days)
    if paper is not None and paper.published_at is not None:
        if paper.published_at < oldest:
            raise SubmitRefused(
                f"Only papers published in the last {days} days can be submitted; this one was "
                f"published on {paper.published_at:%b %d, %Y}."
            )
        return
    month = _month_of_id(arxiv_id)
    if month is not None and month > now.date().replace(day=1):
        raise SubmitRefused(f"arXiv has not issued {arxiv_id} yet: that month is to come.")
    if month is None or month < oldest.date().replace(day=1):
        raise SubmitRefused(f"Only papers published in the last {days} days can be submitted.")


def _fetch(arxiv_id: str) -> Paper | None:
    """Ask arXiv for the paper when ingestion is configured; None when it is not."""
    if "@" not in settings.INGEST_CONTACT:
        return None
    from dailypapers.papers.ingest.arxiv_api import fetch_papers
    from dailypapers.papers.ingest.clients import arxiv_client
    from dailypapers.papers.ingest.fetch_queue import ONE_ATTEMPT
    from dailypapers.sources.arxiv.errors import ArxivSourceError
    from dailypapers.sources.http import FetchError

    try:
        with arxiv_client(retry=ONE_ATTEMPT) as client:
            result = fetch_papers([arxiv_id], client)
    except (ArxivSourceError, FetchError, OSError):
        return None  # arXiv is unreachable now: keep the submission pending, not lost
    if arxiv_id in result.missing:
        raise SubmitRefused(f"arXiv has no paper {arxiv_id}.")
    return Paper.objects.filter(arxiv_id=arxiv_id).first()


def submit_paper(user, text: str, now: dt.datetime | None = None) -> Submitted:
    """Put the paper of ``text`` on today's list for ``user``, or raise ``SubmitRefused``."""
    now = now or timezone.now()
    arxiv_id = parse_submission(text)
    paper = Paper.objects.filter(arxiv_id=arxiv_id).first()
    if paper is not None:
        _refuse_duplicate(paper)
    _check_recent(paper, arxiv_id, now)
    if paper is None:
        paper = _fetch(arxiv_id)
        if paper is not None:
            _check_recent(paper, arxiv_id, now)
    today = now.date()
    with transaction.atomic():
        if paper is None:
            save_papers([PaperRecord(arxiv_id=arxiv_id, title=f"arXiv:{arxiv_id}")])
            paper = Paper.objects.get(arxiv_id=arxiv_id)
            enqueue([arxiv_id], PaperFetch.Reason.SUBMISSION, now)
        _refuse_duplicate(paper)  # again, inside the transaction: someone may have been quicker
        save_daily_entries([DailyRecord(arxiv_id, today, now, submitter_name=user.username)])
        # writing.py knows upstream submitters by name; the account is linked here.
        DailyEntry.objects.filter(paper=paper, date=today).update(submitted_by=user)
        entry = DailyEntry.objects.select_related("paper").get(paper=paper, date=today)
    return Submitted(entry=entry, pending=paper.is_pending_fetch)


def pending_submissions(user) -> list[DailyEntry]:
    """The user's submissions still held by their id only: on no list until arXiv answers."""
    entries = DailyEntry.objects.filter(submitted_by=user).select_related("paper")
    return [entry for entry in entries.filter(PENDING_ENTRY)[:50]]


def _refuse_duplicate(paper: Paper) -> None:
    entry = paper.daily_entries.order_by("date").first()
    if entry is not None:
        raise SubmitRefused(
            f"This paper is already on the daily list of {entry.date:%b %d, %Y}.", entry=entry
        )
    if paper.hidden:
        raise SubmitRefused("This paper cannot be submitted.")
