"""What every worker command shares (healthchecks' ``sendreports``, STYLE.md #1).

``dailypapers digests send``, ``submissions fetch``, ``thumbnails fetch`` and ``stars fetch``
each loop over their own ``handle_one``; they share this: the ``--loop`` and ``--sleep``
options, a SIGTERM that stops the worker after the item in hand (never in the middle of one),
and an idle wait that the signal cuts short. The loops themselves stay in the commands: what
counts as done, idle or failing differs from one to the next.
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandParser


class WorkerCommand(BaseCommand):
    # Seconds to wait when nothing is due, unless ``--sleep`` says otherwise.
    idle_seconds = 30.0
    stopping = False

    def add_worker_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep running; stop on SIGTERM")
        parser.add_argument(
            "--sleep",
            type=float,
            default=self.idle_seconds,
            help="seconds to wait when idle (with --loop)",
        )

    def stop_on_sigterm(self) -> None:
        """From now on, SIGTERM ends the worker after the item in hand."""
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def idle(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the worker is told to stop meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.stopping:
            time.sleep(0.1)
