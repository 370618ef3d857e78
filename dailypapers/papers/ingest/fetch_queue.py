"""The worker side of the fetch-by-id queue (``PaperFetch``): claim due rows, ask arXiv, record.

``handle_one`` claims up to ``BATCH`` due rows with a filtered UPDATE (a lease, so any number of
workers can run and a killed one's rows come back), asks the arXiv API for them in one request
through the polite client (3 s spacing across processes), then:

- saves the papers found and deletes their rows (a submitted paper held by its id only is
  filled in, and so appears on its daily list);
- marks the ids arXiv does not return as missing, rechecked after ``MISSING_RECHECK`` (an id of
  this month may be issued later), and deletes a submission's id-only placeholder, so that no
  list ever shows a paper arXiv does not know;
- on arXiv unreachable or answering 503/429, leaves the rows queued with the reason and a next
  attempt after arXiv's Retry-After (or a backoff), which the waiting page shows.

The client makes one attempt per claim: retries are the queue's, so a worker never sleeps
minutes inside one request while visitors wait for other papers. What is not here: the command
(``management/commands/submissions.py``), what a visit queues (``papers.ondemand``).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dailypapers.papers.fetches import PaperFetch
from dailypapers.papers.ingest.arxiv_api import fetch_papers
from dailypapers.papers.models import Paper
from dailypapers.sources.arxiv.errors import ArxivApiError, MalformedResponse
from dailypapers.sources.http import FetchError, PoliteClient, RetryPolicy

log = logging.getLogger(__name__)

BATCH = 50  # ids per claim and per arXiv request
LEASE = dt.timedelta(minutes=5)
MISSING_RECHECK = dt.timedelta(days=1)
BACKOFF_FIRST = 30.0  # seconds after a first failure without Retry-After; doubles, up to
BACKOFF_MAX = 3600.0
ONE_ATTEMPT = RetryPolicy(max_attempts=1)


@dataclass
class Outcome:
    fetched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    error: str = ""

    def __str__(self) -> str:
        text = (
            f"{len(self.fetched)} fetched, {len(self.missing)} unknown to arXiv, "
            f"{len(self.deferred)} deferred"
        )
        return f"{text} ({self.error})" if self.error else text


def _due(now: dt.datetime) -> Q:
    lease_over = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Q(status=PaperFetch.Status.QUEUED, next_attempt_at__lte=now) & lease_over


def claim(now: dt.datetime, limit: int = BATCH) -> list[PaperFetch]:
    """Up to ``limit`` due rows, now leased to this caller alone."""
    token = uuid.uuid4().hex
    candidates = list(PaperFetch.objects.filter(_due(now)).values_list("pk", flat=True)[:limit])
    if not candidates:
        return []
    # The filter is repeated in the UPDATE: a row another worker claimed in between is skipped.
    PaperFetch.objects.filter(_due(now), pk__in=candidates).update(
        claim=token, claimed_until=now + LEASE
    )
    return list(PaperFetch.objects.filter(claim=token))


def handle_one(client: PoliteClient, now: dt.datetime | None = None) -> Outcome | None:
    """Fetch one batch of due ids; None when nothing is due."""
    now = now or timezone.now()
    rows = claim(now)
    if not rows:
        return None
    outcome = Outcome()
    _fetch(rows, client, now, outcome)
    log.info("fetch queue: %s", outcome)
    return outcome


def _fetch(rows: list[PaperFetch], client: PoliteClient, now: dt.datetime, out: Outcome) -> None:
    ids = [row.arxiv_id for row in rows]
    try:
        result = fetch_papers(ids, client)
    except ArxivApiError as error:
        if len(rows) > 1:
            # The API refuses a whole request for one id it rejects: ask for each alone.
            for row in rows:
                _fetch([row], client, now, out)
            return
        _mark_missing(rows, now, f"arXiv refused the id: {error.message}")
        out.missing += ids
        return
    except (FetchError, MalformedResponse, OSError) as error:
        out.error = _reason(error)
        _defer(rows, now, error)
        out.deferred += ids
        return
    missing = set(result.missing)
    PaperFetch.objects.filter(
        pk__in=[row.pk for row in rows if row.arxiv_id not in missing]
    ).delete()
    _mark_missing([row for row in rows if row.arxiv_id in missing], now, "")
    out.fetched += [arxiv_id for arxiv_id in ids if arxiv_id not in missing]
    out.missing += [arxiv_id for arxiv_id in ids if arxiv_id in missing]


def _mark_missing(rows: list[PaperFetch], now: dt.datetime, reason: str) -> None:
    if not rows:
        return
    ids = [row.arxiv_id for row in rows]
    with transaction.atomic():
        PaperFetch.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=PaperFetch.Status.MISSING,
            next_attempt_at=now + MISSING_RECHECK,
            claim="",
            claimed_until=None,
            attempts=0,
            last_error=(reason or "arXiv has no paper with this id")[:300],
        )
        # A submission saved by its id only: the paper never existed, so it leaves every list.
        for paper in Paper.objects.filter(arxiv_id__in=ids):
            if paper.is_pending_fetch:
                log.warning("arXiv has no paper %s: its submission is withdrawn", paper.arxiv_id)
                paper.delete()


def _reason(error: Exception) -> str:
    if isinstance(error, FetchError):
        if error.status_code is not None:
            after = f", Retry-After {error.retry_after:.0f} s" if error.retry_after else ""
            return f"arXiv answered HTTP {error.status_code}{after}"
        return "arXiv could not be reached"
    if isinstance(error, MalformedResponse):
        return "arXiv's answer could not be read"
    return "arXiv could not be reached"


def _defer(rows: list[PaperFetch], now: dt.datetime, error: Exception) -> None:
    reason = _reason(error)
    log.warning("fetch queue: %s; %d id(s) deferred (%s)", reason, len(rows), error)
    retry_after = error.retry_after if isinstance(error, FetchError) else None
    for row in rows:
        wait = retry_after or min(BACKOFF_MAX, BACKOFF_FIRST * 2**row.attempts)
        PaperFetch.objects.filter(pk=row.pk, claim=row.claim).update(
            attempts=row.attempts + 1,
            next_attempt_at=now + dt.timedelta(seconds=wait),
            last_error=reason[:300],
            claim="",
            claimed_until=None,
        )
