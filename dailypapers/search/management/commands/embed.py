"""``dailypapers embed``: compute the missing paper vectors, in batches, resumably.

Each batch is embedded and saved in its own transaction, so an interrupted run loses at most
one batch and the next run carries on where it stopped. With ``--loop`` it stays running as a
worker, embedding new papers as ingestion saves them; several such workers share the work.

At the end of a run, and after each ``--loop`` round that stored vectors, the vector index
files of a large SQLite site are brought up to date (``vectors.update_index``, see
``hnsw_index.py``); ``--rebuild-index`` rebuilds them from every stored vector and embeds
nothing.
"""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from dailypapers.core.claims import claimed_batch
from dailypapers.search import vectors
from dailypapers.search.hnsw_index import HnswIndex


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
        parser.add_argument(
            "--rebuild-index",
            action="store_true",
            help="Rebuild the vector index files from the stored vectors, then stop.",
        )

    def handle_one(self, batch_size: int) -> int:
        """Embed one batch of papers without a vector; returns how many were embedded.
        The batch is claimed (``core/claims.py``), so workers running side by side embed
        different papers, each exactly once."""
        missing = vectors.without_vectors().only("id", "title", "abstract")
        with claimed_batch(missing, batch_size) as papers:
            return vectors.embed_papers(papers)

    def rebuild_index(self) -> None:
        manifest = vectors.update_index(rebuild=True)
        if manifest is None:
            self.stdout.write("vector index: no files to build (PostgreSQL, or no vectors)")
            return
        used = isinstance(vectors.index(), HnswIndex)
        self.stdout.write(
            f"vector index: {manifest.count} vectors of {manifest.model} written "
            f"(generation {manifest.generation}); "
            + ("in use" if used else "not used: below the threshold or set to exact")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild_index"]:
            self.rebuild_index()
            return
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        size, limit = max(1, options["batch_size"]), options["limit"]
        done, first_round = 0, True
        while not stopping:
            done_before = done
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
            if done > done_before or first_round:
                # Also on the first round: the site may have crossed the threshold already.
                vectors.update_index()
            first_round = False
            if not options["loop"] or (limit and done >= limit):
                break
            time.sleep(options["sleep"])
        self.stdout.write(f"{done} papers embedded; {vectors.without_vectors().count()} missing")
