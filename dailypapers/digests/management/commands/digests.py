"""``dailypapers digests send [--loop]``: mail the digests that are due.

``handle_one`` deals with one subscription; ``send`` loops until nothing is due, and with
``--loop`` keeps waiting for the next due one, stopping cleanly on SIGTERM. Any number of these
workers may run at once (see ``dailypapers.digests.sending``).
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dailypapers.digests.sending import handle_one, smtp_session


class Command(BaseCommand):
    help = "Send the email digests that are due."
    stopping = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send"], help="send: mail what is due")
        parser.add_argument("--loop", action="store_true", help="keep running; stop on SIGTERM")
        parser.add_argument(
            "--sleep", type=float, default=30.0, help="seconds to wait when idle (with --loop)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        sent = 0
        with smtp_session():
            sent = self.loop(options)
        self.stdout.write(f"{sent} subscription(s) handled")

    def loop(self, options: dict[str, Any]) -> int:
        sent = 0
        while not self.stopping:
            outcome = handle_one()
            if outcome is not None:
                sent += 1
                self.stdout.write(str(outcome))
                continue
            if not options["loop"]:
                break
            deadline = time.monotonic() + options["sleep"]
            while time.monotonic() < deadline and not self.stopping:
                time.sleep(0.2)
        return sent

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
