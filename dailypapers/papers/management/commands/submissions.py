"""``dailypapers submissions fetch [--loop]``: fetch what waits for arXiv by its id.

That is the fetch queue (``PaperFetch``): papers visited but not held (on demand), submissions
arXiv could not answer at once, ``POST /api/papers/index`` ids and readers' imported arXiv ids.
``handle_one`` (``papers.ingest.fetch_queue``) fetches one batch; this loops until nothing is
due, and with ``--loop`` keeps waiting for more, stopping cleanly on SIGTERM. Any number of
these workers may run: rows are claimed with a filtered UPDATE and a lease.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from dailypapers.core.workers import WorkerCommand
from dailypapers.papers.ingest import fetch_queue
from dailypapers.papers.ingest.clients import arxiv_client


class Command(WorkerCommand):
    help = "Fetch from arXiv the papers waiting by id: pending submissions, on-demand visits."
    # A visitor waits on this: look again soon (the queue's own next_attempt_at keeps failed
    # ids from being asked too often).
    idle_seconds = 1.0

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"], help="fetch: fill what is due")
        self.add_worker_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stop_on_sigterm()
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
                self.idle(options["sleep"])  # idle, or arXiv failing
        self.stdout.write(f"{fetched} paper(s) fetched, {missing} unknown to arXiv")
