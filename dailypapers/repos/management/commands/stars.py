"""``dailypapers stars fetch [--loop]``: refresh the GitHub star counts that are due.

Each round first adds the repositories that papers newly link to, then refreshes due ones
one by one (``dailypapers.repos.stars.handle_one``) until none is due; ``--loop`` waits and
starts another round, stopping cleanly on SIGTERM. While GitHub's rate limit is reached,
nothing is due until its reset.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from dailypapers.core.workers import WorkerCommand
from dailypapers.repos.stars import github_client, handle_one, paused_until, sync_from_papers


class Command(WorkerCommand):
    help = "Fetch GitHub star counts of papers' repositories when due (ETag, rate limits)."
    idle_seconds = 300.0

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fetch"], help="fetch: refresh what is due")
        parser.add_argument(
            "--limit", type=int, default=0, help="stop after this many repositories"
        )
        self.add_worker_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stop_on_sigterm()
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
                self.idle(options["sleep"])
        self.stdout.write(f"{handled} repositories checked")
