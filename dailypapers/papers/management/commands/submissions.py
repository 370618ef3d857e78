"""``dailypapers submissions fetch [--loop]``: fetch what waits for arXiv by its id.

That is the fetch queue (``PaperFetch``): papers visited but not held (on demand), submissions
arXiv could not answer at once, ``POST /api/papers/index`` ids and readers' imported arXiv ids.
``handle_one`` (``papers.ingest.fetch_queue``) fetches one batch; this loops until nothing is
due, and with ``--loop`` keeps waiting for more, stopping cleanly on SIGTERM. Any number of
these workers may run: rows are claimed with a filtered UPDATE and a lease.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dailypapers.papers.ingest import fetch_queue
from dailypapers.papers.ingest.clients import arxiv_client


class Command(BaseCommand):
    help = "Fetch from arXiv the papers waiting by id: pending submissions, on-demand visits."
    stopping = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"], help="fetch: fill what is due")
        parser.add_argument("--loop", action="store_true", help="keep running; stop on SIGTERM")
        parser.add_argument(
            "--sleep", type=float, default=1.0, help="seconds to wait when idle (with --loop)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        fetched = missing = 0
        with arxiv_client(retry=fetch_queue.ONE_ATTEMPT) as client:
            while not self.stopping:
                outcome = fetch_queue.handle_one(client)
                if outcome is not None:
                    fetched += len(outcome.fetched)
                    missing += len(outcome.missing)
                    self.stdout.write(str(outcome))
                    if not outcome.deferred:
                        continue
                if not options["loop"]:
                    break
                # Idle (or arXiv failing): a visitor waits on this, so look again soon; the
                # queue's own next_attempt_at keeps failed ids from being asked too often.
                deadline = time.monotonic() + options["sleep"]
                while time.monotonic() < deadline and not self.stopping:
                    time.sleep(0.1)
        self.stdout.write(f"{fetched} paper(s) fetched, {missing} unknown to arXiv")

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
