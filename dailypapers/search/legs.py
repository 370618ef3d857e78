"""Running one leg of a search beside another: a small thread pool per process.

A hybrid search has two legs that need nothing of each other until they are fused: the
keyword head (tantivy, which releases the GIL while it searches) and the meaning head (the
query's vector, then the HNSW graph, which usearch searches with the GIL released too). Run
one after the other, a search costs their sum; ``start`` runs the meaning leg in a worker
thread while the request thread runs the keyword leg, so it costs about the slower one
(hybrid.py; the figures: docs/search.md, "How big one machine goes").

The pool is made on first use in each process, never at import: gunicorn forks its workers
after loading the application, and threads do not survive a fork (a pool made before it would
be a pool with no threads in the child; ``_forget`` drops it there). Work sent here must not
touch the database: Django's connections are per thread, so a worker's would be another
connection (outside the request's transaction, and left open). Callers read what they need
in their own thread first. Should a leg open a connection anyway, it is closed when the leg
ends and a warning names the leg, so the mistake costs a log line, not a leaked connection.

What is not here: what the legs do (hybrid.py) and how each engine searches (keyword/,
vectors/).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import connections

log = logging.getLogger(__name__)

T = TypeVar("T")

# Worker threads per process. A gunicorn worker serves a few requests at once (serve.py's
# ``--threads``), each with at most one leg out; a leg waits in the queue when all are busy,
# which costs that search the sum again, never a deadlock (a leg waits for nothing). 0 runs
# each leg in the calling thread when it is started: one after the other, as before legs.py
# (the tests compare both ways).
THREADS = 4

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _forget() -> None:
    """In a forked child: the parent's pool has no threads here, and its lock may have been
    held by a thread that no longer exists."""
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget)


def _the_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="search-leg")
    return _pool


def start(work: Callable[[], T]) -> Future[T]:
    """Run ``work`` (which must do no database work) in a worker thread; ``result()`` of the
    future returned waits for it and raises what it raised."""
    if THREADS <= 0:
        done: Future[T] = Future()
        try:
            done.set_result(work())
        except Exception as error:
            done.set_exception(error)
        return done
    return _the_pool().submit(_run, work)


def _run(work: Callable[[], T]) -> T:
    try:
        return work()
    finally:
        _close_connections(work)


def _close_connections(work: Callable[[], object]) -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            log.warning("a search leg (%s) used the database in a worker thread", work)
            connection.close()
