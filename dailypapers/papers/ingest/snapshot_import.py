"""Import the arXiv metadata snapshot (Kaggle's one-JSON-object-a-line file), restartably.

The file is streamed (memory stays flat whatever its size) and saved in batches; each batch and
the position after it are committed together in one transaction, so an import stopped at any
moment resumes after the last stored batch and never stores a line twice or skips one.
Malformed lines are skipped and counted, with the first reasons logged. The lines are read
and parsed in a second process while this one writes (``snapshot_batches.py``), unless
``in_child=False``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dailypapers.papers.ingest.keyword_alongside import IndexAlongside
from dailypapers.papers.ingest.new_papers import AuthorIds, store
from dailypapers.papers.ingest.snapshot_batches import Batch, batches, records_of
from dailypapers.papers.models import HarvestCheckpoint
from dailypapers.papers.writing import SaveCounts
from dailypapers.sources.arxiv.snapshot import SnapshotPosition, SnapshotReport
from dailypapers.sources.records import PaperRecord

log = logging.getLogger(__name__)
BATCH = 2000


@dataclass
class SnapshotResult:
    counts: SaveCounts
    report: SnapshotReport
    resumed_from_line: int


def checkpoint_for(path: Path, categories: list[str] | None) -> HarvestCheckpoint:
    scope = f"{path.resolve()} {','.join(sorted(categories or []))}".strip()
    checkpoint, _ = HarvestCheckpoint.objects.get_or_create(source="snapshot", scope=scope[:500])
    return checkpoint


def import_snapshot(
    path: Path,
    *,
    categories: list[str] | None = None,
    restart: bool = False,
    batch_size: int = BATCH,
    on_batch: Callable[[int], object] | None = None,
    in_child: bool = True,
    index_beside_after: int | None = None,
) -> SnapshotResult:
    """Import ``path`` from where the last import of it (with the same categories) stopped.

    ``on_batch(bytes_read)`` is called after each stored batch, for a progress bar.
    ``in_child``: read and parse the file in a second process, while this one writes.
    ``index_beside_after``: once that many papers are stored, apply the keyword index's
    change log in a third process meanwhile (``keyword_alongside.py``); None: never.
    """
    checkpoint = checkpoint_for(path, categories)
    if restart:
        checkpoint.position_line, checkpoint.position_offset, checkpoint.finished_at = 1, 0, None
        checkpoint.records_seen = 0
        checkpoint.save()
    start = SnapshotPosition(checkpoint.position_line, checkpoint.position_offset)
    report = SnapshotReport()
    counts = SaveCounts()
    # closing: an error or Ctrl-C here ends the reader process now, not when the generator
    # is collected (a traceback keeps it alive).
    reading = batches(
        path, categories=categories, start=start, size=batch_size, report=report, in_child=in_child
    )
    indexer = IndexAlongside(index_beside_after)
    authors = AuthorIds()
    with contextlib.closing(reading), bulk_settings(), indexer:
        for batch in reading:
            position = batch.position
            records = partial(records_of, path, categories, batch)
            try:
                counts.add(_store_batch(batch, checkpoint, authors, records))
            except IntegrityError:
                # An author the cache names was deleted meanwhile (by hand): the batch
                # rolled back whole; store it again, every name looked up afresh.
                authors.clear()
                checkpoint.refresh_from_db()  # its counts as the rollback left them
                counts.add(_store_batch(batch, checkpoint, authors, records))
            indexer.stored(len(batch.papers.rows))
            if on_batch is not None:
                on_batch(position.offset)
    checkpoint.finished_at = timezone.now()
    checkpoint.save(update_fields=["finished_at", "updated"])
    for problem in report.problems[:20]:
        log.warning("snapshot line %d skipped: %s", problem.line, problem.reason)
    return SnapshotResult(counts, report, start.line)


def _store_batch(
    batch: Batch,
    checkpoint: HarvestCheckpoint,
    authors: AuthorIds,
    records: Callable[[], list[PaperRecord]],
) -> SaveCounts:
    # The papers and the position after them, together: a resumed import starts there.
    with transaction.atomic():
        counts = store(batch.papers, authors, records)
        checkpoint.position_line = batch.position.line
        checkpoint.position_offset = batch.position.offset
        checkpoint.records_seen += batch.records
        checkpoint.save()
    return counts


# SQLite's page cache for the import's connection (KiB, as a negative cache_size): the
# indexes of the papers and authorships tables stay in memory, so an insert rarely reads a
# page back from the file. Memory, not durability: it changes nothing of what is written when.
CACHE_KIB = 128 * 1024
# WAL pages after which a commit of the import copies the WAL back into the database (SQLite's
# default 1,000 pages, 4 MiB, is less than one batch writes, so every commit checkpointed).
# Fewer, larger checkpoints write each page of the growing indexes once per checkpoint rather
# than once per batch. When, not whether: a commit is in the WAL, durable, either way.
WAL_PAGES = 16_000


@contextlib.contextmanager
def bulk_settings() -> Iterator[None]:
    """SQLite settings of the import's own connection, put back after it: a larger page cache,
    temporary structures (sorting for ``IN`` lookups, statement journals) in memory, and
    fewer WAL checkpoints. None touches the journal mode or ``synchronous``: each commit is
    as durable as the site's other writes (WAL, ``synchronous=NORMAL``), see docs/ingest.md."""
    if connection.vendor != "sqlite":
        yield
        return
    settings = {"cache_size": -CACHE_KIB, "temp_store": 2, "wal_autocheckpoint": WAL_PAGES}
    with connection.cursor() as cursor:
        before = {}
        for name, value in settings.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")


def file_size(path: Path) -> int | None:
    """Bytes to read for a progress bar; unknown (None) for a gzip file, read as a stream."""
    return None if path.suffix == ".gz" else path.stat().st_size
