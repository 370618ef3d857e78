"""``dailypapers digests send [--loop] [--workers N]``: mail the digests that are due.

``handle_batch`` deals with a batch of subscriptions; ``send`` loops until nothing is due, and with
``--loop`` keeps waiting for the next due one, stopping cleanly on SIGTERM. Any number of these
workers may run at once (see ``dailypapers.digests.sending``): ``--workers N`` starts N of them
as child processes of this one (default: one per core), each with its own database and SMTP
connection, and shows their progress. Fewer than ``PARALLEL_FROM`` due digests are sent by
this process alone: starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any

from django import db
from django.core.management.base import CommandParser
from django.utils import timezone
from tqdm import tqdm

from dailypapers.core.workers import WorkerCommand
from dailypapers.digests.models import Subscription
from dailypapers.digests.sending import due, handle_batch, smtp_session

PARALLEL_FROM = 100


class Command(WorkerCommand):
    help = "Send the email digests that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send"], help="send: mail what is due")
        self.add_worker_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="worker processes sending side by side (default: one per core)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stop_on_sigterm()
        workers = max(1, options["workers"])
        waiting = Subscription.objects.filter(due(timezone.now())).count()
        if workers == 1 or (waiting < PARALLEL_FROM and not options["loop"]):
            with smtp_session():
                sent = self.loop(options, echo=True)
            self.stdout.write(f"{sent} subscription(s) handled")
            return
        sent = self.in_parallel(workers, waiting, options)
        self.stdout.write(f"{sent} subscription(s) handled by {workers} workers")

    def loop(self, options: dict[str, Any], echo: bool = False, counter: Any = None) -> int:
        sent = 0
        while not self.stopping:
            outcomes = handle_batch(going_on=lambda: not self.stopping)
            if outcomes:
                sent += len(outcomes)
                if echo:
                    for outcome in outcomes:
                        self.stdout.write(str(outcome))
                if counter is not None:
                    with counter.get_lock():
                        counter.value += len(outcomes)
                continue
            if not options["loop"]:
                break
            self.idle(options["sleep"])
        return sent

    def in_parallel(self, workers: int, waiting: int, options: dict[str, Any]) -> int:
        """Send with ``workers`` forked children, each looping as ``loop`` does; the claims
        keep them apart. SIGTERM here is passed on, and each child stops after the digest in
        hand."""
        context = multiprocessing.get_context("fork")
        counter = context.Value("q", 0)
        # A forked child must not share this process's database connections.
        db.connections.close_all()
        children = [
            context.Process(target=self.child, args=(options, counter), daemon=False)
            for _ in range(workers)
        ]
        for child in children:
            child.start()
        quiet = options.get("verbosity", 1) == 0
        with tqdm(total=waiting or None, desc="digests", unit="digest", disable=quiet) as bar:
            while any(child.is_alive() for child in children):
                if self.stopping:
                    for child in children:
                        if child.is_alive() and child.pid is not None:
                            os.kill(child.pid, signal.SIGTERM)
                time.sleep(0.2)
                bar.update(counter.value - bar.n)
            bar.update(counter.value - bar.n)
        for child in children:
            child.join()
        failed = [child.exitcode for child in children if child.exitcode]
        if failed:
            self.stderr.write(f"{len(failed)} worker(s) failed (exit codes {failed})")
        return int(counter.value)

    def child(self, options: dict[str, Any], counter: Any) -> None:
        self.stop_on_sigterm()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent passes Ctrl-C on as SIGTERM
        try:
            with smtp_session():
                self.loop(options, counter=counter)
        finally:
            db.connections.close_all()
