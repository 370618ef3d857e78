"""Any arXiv paper on demand: what a visit to a paper the site does not hold answers.

A valid id (the URL converter has already checked its form) of a month that has begun is put
on the fetch queue (``PaperFetch``) and the visitor is told where it stands: queued, retrying
after arXiv failed (and why), missing (arXiv says the id does not exist), off (the site does not
fetch on demand), busy (the queue is full). The page and the API view turn that into HTML or
JSON; the worker ``dailypapers submissions fetch`` does the fetching.

Why a queue and a worker rather than fetching in the request: arXiv allows one request every
3 s for the whole deployment and often takes seconds to answer, so a request thread would wait
for every other visitor's slot; with the queue, one worker asks for up to 50 queued ids in a
single arXiv request and no web thread ever waits on arXiv. The page refreshes itself until the
paper is there.

What is not here: fetching (``papers.ingest.fetch_queue``), rendering (views, ``api.views``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dailypapers.papers.fetches import PaperFetch
from dailypapers.sources.arxiv.ids import issued_month

QUEUED_REFRESH_SECONDS = 3  # arXiv's request spacing: no sooner can the worker have asked


@dataclass(frozen=True)
class Fetching:
    """Where a paper the site does not hold stands, for a page or the API to say."""

    arxiv_id: str
    state: str  # "queued", "retrying", "missing", "off", "busy"
    message: str
    retry_seconds: int = QUEUED_REFRESH_SECONDS  # when to look again, while it is worth it

    @property
    def in_progress(self) -> bool:
        return self.state in ("queued", "retrying")


def could_exist(arxiv_id: str, now: dt.datetime | None = None) -> bool:
    """False for a new-style id of a month to come: arXiv cannot hold it, so nobody is asked."""
    month = issued_month(arxiv_id)
    now = now or timezone.now()
    return month is None or month <= (now.year, now.month)


def fetching_enabled() -> bool:
    """On demand needs the setting on and a contact for arXiv's User-Agent."""
    return settings.ARXIV_ON_DEMAND and "@" in settings.INGEST_CONTACT


def enqueue(
    arxiv_ids: Iterable[str], reason: str, now: dt.datetime | None = None, cap: bool = False
) -> int:
    """Queue the ids not queued yet (a missing one whose recheck time has come is queued
    again); returns how many rows were added. With ``cap`` nothing is added past
    ``ARXIV_ON_DEMAND_QUEUE_MAX`` queued rows."""
    now = now or timezone.now()
    wanted = list(dict.fromkeys(arxiv_ids))
    if not wanted:
        return 0
    with transaction.atomic():
        PaperFetch.objects.filter(
            arxiv_id__in=wanted, status=PaperFetch.Status.MISSING, next_attempt_at__lte=now
        ).update(status=PaperFetch.Status.QUEUED, next_attempt_at=now, last_error="", claim="")
        held = set(
            PaperFetch.objects.filter(arxiv_id__in=wanted).values_list("arxiv_id", flat=True)
        )
        new = [arxiv_id for arxiv_id in wanted if arxiv_id not in held]
        if cap:
            room = (
                settings.ARXIV_ON_DEMAND_QUEUE_MAX
                - PaperFetch.objects.filter(status=PaperFetch.Status.QUEUED).count()
            )
            new = new[: max(room, 0)]
        PaperFetch.objects.bulk_create(
            [
                PaperFetch(arxiv_id=arxiv_id, reason=reason, requested_at=now, next_attempt_at=now)
                for arxiv_id in new
            ],
            ignore_conflicts=True,  # a concurrent visit of the same id
        )
    return len(new)


def request_paper(arxiv_id: str, now: dt.datetime | None = None) -> Fetching:
    """Queue a visited id the site does not hold (if fetching is on) and say where it stands."""
    now = now or timezone.now()
    if not fetching_enabled():
        return Fetching(
            arxiv_id,
            "off",
            f"This site does not hold arXiv:{arxiv_id} and does not fetch papers from arXiv "
            "on demand.",
        )
    row = PaperFetch.objects.filter(arxiv_id=arxiv_id).first()
    if row is None or (row.status == PaperFetch.Status.MISSING and row.next_attempt_at <= now):
        enqueue([arxiv_id], PaperFetch.Reason.VISIT, now, cap=True)
        row = PaperFetch.objects.filter(arxiv_id=arxiv_id).first()
        if row is None:
            return Fetching(
                arxiv_id,
                "busy",
                f"Too many papers are waiting to be fetched from arXiv right now; arXiv:{arxiv_id}"
                " was not queued. Please try again in a few minutes.",
                retry_seconds=60,
            )
    return state_of(row, now)


def state_of(row: PaperFetch, now: dt.datetime | None = None) -> Fetching:
    now = now or timezone.now()
    if row.status == PaperFetch.Status.MISSING:
        return Fetching(row.arxiv_id, "missing", f"arXiv has no paper with the id {row.arxiv_id}.")
    if row.last_error:
        wait = max(QUEUED_REFRESH_SECONDS, int((row.next_attempt_at - now).total_seconds()))
        return Fetching(
            row.arxiv_id,
            "retrying",
            f"{row.last_error}. The site will ask arXiv again at {row.next_attempt_at:%H:%M} UTC.",
            retry_seconds=min(wait, 60),
        )
    return Fetching(row.arxiv_id, "queued", f"Fetching arXiv:{row.arxiv_id} from arXiv…")


def pending_state(arxiv_id: str, now: dt.datetime | None = None) -> Fetching:
    """Where a paper held by its id only (a submission not fetched yet) stands; it is queued
    if it somehow is not (a row stored before the queue existed)."""
    if "@" not in settings.INGEST_CONTACT:
        return Fetching(
            arxiv_id,
            "off",
            f"arXiv:{arxiv_id} was submitted; it goes on its list once its title and abstract "
            "have been fetched from arXiv, which this site is not set up to do yet.",
            retry_seconds=60,
        )
    row = PaperFetch.objects.filter(arxiv_id=arxiv_id).first()
    if row is None:
        enqueue([arxiv_id], PaperFetch.Reason.SUBMISSION, now)
        row = PaperFetch.objects.get(arxiv_id=arxiv_id)
    return state_of(row, now)
