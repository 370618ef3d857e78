"""``dailypapers stars fetch [--loop]``: refresh the GitHub star counts that are due.

Each round first adds the repositories that papers newly link to, then refreshes due ones
one by one (``dailypapers.repos.stars.handle_one``) until none is due; ``--loop`` waits and
starts another round, stopping cleanly on SIGTERM. While GitHub's rate limit is reached,
nothing is due until its reset.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dailypapers.repos.stars import github_client, handle_one, paused_until, sync_from_papers


class Command(BaseCommand):
    help = "Fetch GitHub star counts of papers' repositories when due (ETag, rate limits)."
    stopping = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"], help="fetch: refresh what is due")
        parser.add_argument("--loop", action="store_true", help="keep running; stop on SIGTERM")
        parser.add_argument(
            "--limit", type=int, default=0, help="stop after this many repositories"
        )
        parser.add_argument(
            "--sleep", type=float, default=300.0, help="seconds to wait when idle (with --loop)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        handled = 0
        with github_client() as client:
            while not self.stopping:
                added = sync_from_papers()
                if added:
                    self.stdout.write(f"{added} new repositories")
                if (until := paused_until(timezone.now())) is not None:
                    self.stdout.write(f"GitHub rate limit: paused until {until:%Y-%m-%d %H:%M:%S}Z")
                while not self.stopping:
                    outcome = handle_one(client)
                    if outcome is None:
                        break
                    handled += 1
                    self.stdout.write(outcome)
                    if options["limit"] and handled >= options["limit"]:
                        self.stopping = True
                if not options["loop"] or self.stopping:
                    break
                deadline = time.monotonic() + options["sleep"]
                while time.monotonic() < deadline and not self.stopping:
                    time.sleep(0.2)
        self.stdout.write(f"{handled} repositories checked")

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
