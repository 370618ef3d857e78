"""The keyword index built while a large import is still storing: a forked process that
applies the change log (``keyword.catch_up()``) again and again until the import is done.

Why: after a bulk import, indexing its papers took a quarter of the import's time, with the
import's own process idle meanwhile; during the import, the writer waits on the reader now
and then, and tantivy's threads use that time. The indexer changes nothing of what the index
holds at the end: it applies the same change log, in the same way, as the catch-up that still
runs after the import (and finds nothing left when the import ended normally: the indexer's
last pass, once told to stop, applies what is left). Only on SQLite (the tantivy index); only once
``START_AFTER`` papers are stored, so small imports stay in one process.

Crash safety: the indexer only reads committed papers and change rows, and removes change
rows only after the index commit that holds them (``tantivy_index``); killed at any point
(with or without the import), what it did not commit stays pending for the next catch-up. It
never outlives the import: it stops when told, and exits by itself once its parent is gone.

What is not here: the index and its change log (``search/keyword/tantivy_index.py``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from types import TracebackType

from django.db import connection, connections

log = logging.getLogger(__name__)
START_AFTER = 20_000  # papers stored before the indexer starts
IDLE = 0.5  # seconds between looks at the change log when it was empty


class IndexAlongside:
    """``with IndexAlongside() as indexer: ... indexer.stored(n) ...``: after each stored
    batch, ``stored`` counts its papers and starts the indexer once enough are stored."""

    def __init__(self, start_after: int | None = START_AFTER) -> None:
        self.start_after = start_after  # None: never
        self.papers = 0
        self.process: multiprocessing.process.BaseProcess | None = None
        self.context = multiprocessing.get_context("fork")
        self.stop = self.context.Event()

    def __enter__(self) -> IndexAlongside:
        return self

    def stored(self, papers: int) -> None:
        self.papers += papers
        if self.process is not None or self.start_after is None:
            return
        if self.papers >= self.start_after and _tantivy():
            self.process = self.context.Process(
                target=_index, args=(self.stop, os.getpid()), name="keyword-indexer", daemon=True
            )
            self.process.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process is None:
            return
        self.stop.set()
        if error is not None:  # the import failed: no need to wait for a clean end
            self.process.terminate()
        # After a finished import, wait for the pass under way: the catch-up that follows
        # needs the index's writer, which one process at a time holds.
        self.process.join()


def _tantivy() -> bool:
    return connection.vendor == "sqlite"


def _index(stop: multiprocessing.synchronize.Event, parent: int) -> None:
    from dailypapers.search import keyword
    from dailypapers.search.keyword import tantivy_index

    # The parent's database connection and open index came along with the fork: never use
    # them here (SQLite forbids a connection across fork). They are dropped, not closed (the
    # process ends with os._exit, which multiprocessing uses, so nothing finalizes them), and
    # this process opens its own.
    inherited = [(conn, conn.connection) for conn in connections.all(initialized_only=True)]
    for conn, _ in inherited:
        conn.connection = None
    tantivy_index._open.cache_clear()
    try:
        index = tantivy_index.get()
        while not stop.is_set() and os.getppid() == parent:
            # Few, large passes (the bulk pass of BULK changes or more, after the first build):
            # each pass is an index commit and segments to merge later, so passes of 10,000
            # (a small backlog's) would cost more CPU in all.
            waiting = index.complete and index._backlog() < tantivy_index.BULK
            if waiting or not keyword.catch_up():
                stop.wait(IDLE)
        if stop.is_set() and os.getppid() == parent:
            # The import is done: what is left (under BULK changes) in one last pass here,
            # with the bulk writer, rather than in steps of BATCH with one thread in the
            # import's process after it, while this process's heap is warm and the import's
            # process waits anyway.
            index.catch_up(one_pass=True)
    except Exception:  # the catch-up after the import does the work instead
        log.exception("indexing beside the import failed; the import's catch-up will do it")
    finally:
        connections.close_all()
