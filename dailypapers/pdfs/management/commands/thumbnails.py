"""``dailypapers thumbnails fetch [--loop]``: fetch due PDFs, render their first page and keep
their text (see ``dailypapers.pdfs.worker`` for what is due and how each outcome is kept).

``handle_one`` deals with one paper; without ``--loop`` the command stops when nothing is due
(or after ``--limit`` papers); with it, it waits for more, stopping cleanly on SIGTERM. Any
number may run at once: they share arXiv's pace through the database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from dailypapers.core.workers import WorkerCommand
from dailypapers.papers.ingest.clients import arxiv_client
from dailypapers.pdfs.worker import handle_one


class Command(WorkerCommand):
    help = "Fetch due papers' PDFs from arXiv; store a first-page thumbnail and the text."
    idle_seconds = 60.0

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"], help="fetch: work through what is due")
        parser.add_argument("--limit", type=int, default=0, help="stop after this many papers")
        self.add_worker_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stop_on_sigterm()
        handled = 0
        with arxiv_client() as client:
            while not self.stopping:
                outcome = handle_one(client)
                if outcome is not None:
                    handled += 1
                    self.stdout.write(outcome)
                    if options["limit"] and handled >= options["limit"]:
                        break
                    continue
                if not options["loop"]:
                    break
                self.idle(options["sleep"])
        self.stdout.write(f"{handled} paper(s) handled")
