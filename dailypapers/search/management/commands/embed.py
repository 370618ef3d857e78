"""``dailypapers embed``: compute the missing paper vectors, in batches, resumably; carry a
model change through.

Each batch is embedded and saved in its own transaction, so an interrupted run loses at most
one batch and the next run carries on where it stopped (it embeds the papers that lack a
vector by a model). With ``--loop`` it stays running as a worker, embedding new papers as
ingestion saves them and logging its counts each round; several such workers share the work.

A model change (``DAILYPAPERS_EMBEDDING_MODEL`` names another model) is the same command: the
new model is registered as *building* (``serving.py``), papers lacking the serving model's
vector are embedded first (new papers stay searchable), then every paper by the new model.
When it has (nearly) all of them, the run builds the new model's vector index (HNSW files on
SQLite, pgvector's index for its size on PostgreSQL) and makes it the serving model in one
transaction. The previous model's vectors stay until ``--retire`` deletes them.

At the end of a run, and after each ``--loop`` round that stored vectors, the vector index
files of a large SQLite site are brought up to date (``vectors.update_index``, see
``hnsw_index.py``); ``--rebuild-index`` rebuilds them from every stored vector and embeds
nothing.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dailypapers.core.claims import claimed_batch
from dailypapers.search import serving, vectors
from dailypapers.search.embedder import ModelFolderError, configured_folder, read_config
from dailypapers.search.models import EmbeddingModel, PaperVector
from dailypapers.search.vectors.hnsw_index import HnswIndex

log = logging.getLogger(__name__)
# Candidates looked at per claim, in batches: enough that papers other workers took meanwhile
# leave a full batch, few enough that the claim's check stays a handful of index probes.
WINDOW = 4


class Command(BaseCommand):
    help = (
        "Embed papers that have no vector by the serving or configured model, and switch to "
        "the configured model once it has them all (resumable; --loop to keep going)."
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
        parser.add_argument(
            "--retire",
            action="store_true",
            help="Delete the vectors and index files of models that no longer serve, then stop.",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="List the embedding models, their state and vector counts, then stop.",
        )

    def fillable(self) -> list[EmbeddingModel]:
        """The models papers need vectors by (``serving.to_fill``) that can embed here."""
        return [model for model in serving.to_fill() if serving.embedder_of(model) is not None]

    # Papers still to look at, per model: read once a round (``serving.missing_ids``), then
    # claimed a window at a time, so a batch never scans the whole papers table.
    pending: dict[str, np.ndarray]

    def handle_one(self, batch_size: int) -> int:
        """Embed one batch of papers lacking a vector by the serving model or, when they all
        have one, by the model being built; returns how many were embedded. The batch is
        claimed (``core/claims.py``), so workers running side by side embed different
        papers, each exactly once."""
        if not hasattr(self, "pending"):
            self.pending = {}
        for model in self.fillable():
            if model.name not in self.pending:
                self.pending[model.name] = serving.missing_ids(model.name)
            while len(pending := self.pending[model.name]):
                # A window of candidates, checked again under the claim: another worker may
                # have embedded some since they were read.
                window = pending[: WINDOW * batch_size].tolist()
                due = serving.missing(model.name).filter(id__in=window)
                with claimed_batch(due.only("id", "title", "abstract"), batch_size) as papers:
                    done = vectors.embed_with(model, papers) if papers else 0
                # Every candidate up to the last one claimed is embedded now, by this worker
                # or another (one that holds a row and dies leaves it to the next round).
                last = papers[-1].pk if papers else window[-1]
                self.pending[model.name] = pending[pending > last]
                if done:
                    return done
        return 0

    def missing_count(self) -> int:
        return sum(serving.missing_count(model.name) for model in self.fillable())

    def advance(self) -> EmbeddingModel | None:
        """Make the model being built serve if it has (nearly) every vector, after building
        its index; returns it when it switched."""
        configured = serving.register()
        if configured.state != EmbeddingModel.State.BUILDING or not serving.complete(configured):
            return None
        started = time.perf_counter()
        vectors.update_index(model=configured)
        if not serving.switch_to(configured):
            return None
        vectors.reset()
        log.info(
            "embedding model %s now serves (its index built in %.1f s); "
            "`dailypapers embed --retire` deletes the previous model's vectors",
            configured.name,
            time.perf_counter() - started,
        )
        return configured

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

    def status(self) -> None:
        try:
            configured = read_config(configured_folder())["name"]
        except ModelFolderError as error:
            configured = f"none ({error})"
        self.stdout.write(f"configured: {configured}")
        for model in EmbeddingModel.objects.order_by("created"):
            stored = PaperVector.objects.filter(model=model.name).count()
            missing = serving.missing_count(model.name)
            loadable = "" if serving.embedder_of(model) else ", its folder is gone"
            self.stdout.write(
                f"{model.name}: {model.state}, {model.dim} dimensions, {stored} vectors, "
                f"{missing} papers without one{loadable}"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        # Looking and tidying never register the configured model: an operator's shell with
        # another setting must not start a model change.
        if options["status"]:
            self.status()
            return
        if options["retire"]:
            for name, deleted in serving.retire():
                self.stdout.write(f"retired {name}: {deleted} vectors deleted")
            return
        if options["rebuild_index"]:
            self.rebuild_index()
            return
        try:
            serving.register()
        except ModelFolderError as error:
            raise CommandError(f"DAILYPAPERS_EMBEDDING_MODEL: {error}") from None
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        size, limit = max(1, options["batch_size"]), options["limit"]
        done, first_round = 0, True
        while not stopping:
            self.pending = {}  # each round reads afresh which papers lack a vector
            done_before = done
            missing = self.missing_count()
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
            switched = not stopping and self.advance() is not None
            if options["loop"] and done > done_before:
                log.info(
                    "embedded %d papers (%d in all); %d missing",
                    done - done_before,
                    done,
                    self.missing_count(),
                )
            first_round = False
            if switched:
                continue  # the few papers the new model still lacks, now that it serves
            if not options["loop"] or (limit and done >= limit):
                break
            time.sleep(options["sleep"])
        self.stdout.write(f"{done} papers embedded; {self.missing_count()} missing")
