"""``dailypapers thumbnails fetch [--loop]``: fetch due PDFs, render their first page and keep
their text (see ``dailypapers.pdfs.worker`` for what is due and how each outcome is kept).

``handle_one`` deals with one paper; without ``--loop`` the command stops when nothing is due
(or after ``--limit`` papers); with it, it waits for more, stopping cleanly on SIGTERM. Any
number may run at once: they share arXiv's pace through the database.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dailypapers.papers.ingest.clients import arxiv_client
from dailypapers.pdfs.worker import handle_one


class Command(BaseCommand):
    help = "Fetch due papers' PDFs from arXiv; store a first-page thumbnail and the text."
    stopping = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"], help="fetch: work through what is due")
        parser.add_argument("--loop", action="store_true", help="keep running; stop on SIGTERM")
        parser.add_argument("--limit", type=int, default=0, help="stop after this many papers")
        parser.add_argument(
            "--sleep", type=float, default=60.0, help="seconds to wait when idle (with --loop)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, self.stop)
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
                deadline = time.monotonic() + options["sleep"]
                while time.monotonic() < deadline and not self.stopping:
                    time.sleep(0.2)
        self.stdout.write(f"{handled} paper(s) handled")

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
