"""Request spacing shared by every process of a deployment, kept in the database.

arXiv asks for one request every 3 seconds across all machines of a deployment, so the next
allowed start time lives in ``UpstreamPace`` rather than in a process. A caller reserves the
next slot in a short transaction (row lock on PostgreSQL, the write lock on SQLite), then sleeps
outside it until its slot comes; the next caller's slot is one spacing later. Slots bound the
start of requests; a request longer than the spacing may overlap the next one's start, which
arXiv's single-connection rule tolerates from one deployment with these spacings.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from dailypapers.papers.models import UpstreamPace


class Clock(Protocol):
    def now(self) -> dt.datetime: ...
    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> dt.datetime:
        return timezone.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class DatabasePacer:
    """A ``sources.http.Pacer`` whose spacing holds across processes."""

    def __init__(self, upstream: str, spacing: float, clock: Clock | None = None) -> None:
        self.upstream = upstream
        self.spacing = dt.timedelta(seconds=spacing)
        self.clock = clock or RealClock()

    def reserve(self) -> dt.datetime:
        """Take the next free slot and return when it starts."""
        with transaction.atomic():
            now = self.clock.now()
            pace, _ = UpstreamPace.objects.select_for_update().get_or_create(
                upstream=self.upstream, defaults={"next_request_at": now}
            )
            slot = max(now, pace.next_request_at)
            pace.next_request_at = slot + self.spacing
            pace.save(update_fields=["next_request_at"])
        return slot

    def wait_turn(self) -> None:
        slot = self.reserve()
        wait = (slot - self.clock.now()).total_seconds()
        if wait > 0:
            self.clock.sleep(wait)
