"""``dailypapers embed``: compute the missing paper vectors, in batches, resumably.

Each batch is embedded and saved in its own transaction, so an interrupted run loses at most
one batch and the next run carries on where it stopped. With ``--loop`` it stays running as a
worker, embedding new papers as ingestion saves them; several such workers share the work.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from dailypapers.core.claims import claimed_batch
from dailypapers.search import vectors


class Command(BaseCommand):
    help = (
        "Embed papers that have no vector by the current model (resumable; --loop to keep going)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=256, help="Papers per batch.")
        parser.add_argument("--limit", type=int, default=0, help="Stop after this many papers.")
        parser.add_argument("--loop", action="store_true", help="Keep running; embed new papers.")
        parser.add_argument(
            "--sleep", type=float, default=30.0, help="Seconds to wait when idle with --loop."
        )

    def handle_one(self, batch_size: int) -> int:
        """Embed one batch of papers without a vector; returns how many were embedded.
        The batch is claimed (``core/claims.py``), so workers running side by side embed
        different papers, each exactly once."""
        missing = vectors.without_vectors().only("id", "title", "abstract")
        with claimed_batch(missing, batch_size) as papers:
            return vectors.embed_papers(papers)

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        size, limit = max(1, options["batch_size"]), options["limit"]
        done = 0
        while not stopping:
            missing = vectors.without_vectors().count()
            total = min(missing, limit - done) if limit else missing
            quiet = options["verbosity"] == 0 or (options["loop"] and not total)
            with tqdm(total=total, desc="embedding", unit="paper", disable=quiet) as progress:
                while not stopping and (not limit or done < limit):
                    count = self.handle_one(min(size, limit - done) if limit else size)
                    if not count:
                        break
                    done += count
                    progress.update(count)
            if not options["loop"] or (limit and done >= limit):
                break
            time.sleep(options["sleep"])
        self.stdout.write(f"{done} papers embedded; {vectors.without_vectors().count()} missing")
