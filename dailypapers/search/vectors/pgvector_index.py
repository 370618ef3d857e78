"""The PostgreSQL vector index: pgvector's HNSW over ``search_papervector.embedding``.

Same interface as ``numpy_index.NumpyIndex`` (``nearest``, ``vectors_of``, ``refresh``), so
``vectors.py`` hands out one or the other by the connection's vendor and nothing else knows.
Nothing is held in the process: every web server and worker asks the database, which keeps
the index in step as rows are written (the column is generated from the float16 bytes, see
migration ``search/0003_postgres``). Storing vectors is ``vectors.py``'s job; nothing here
writes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from dailypapers.search.models import VECTOR_DTYPE, PaperVector
from dailypapers.search.vectors.contract import VectorSnapshot

# The dimensions the migrations built an HNSW index for (0003: the first model's 256; 0006:
# the shipped model's 512). A model of another size gets its own partial index from
# ``ensure_index`` before it serves (``dailypapers embed``); until then its rows are searched
# exactly, by a scan.
INDEXED_DIMENSIONS = (256, 512)
# The advisory lock that lets one process at a time build an index (any fixed number that no
# other lock of this site uses).
INDEX_BUILD_LOCK = 0x6470_6878  # "dphx"
# HNSW's candidate list per search: more than the default 40 because hybrid search asks for
# its whole head at once, and recall falls when k nears ef_search.
MIN_EF_SEARCH = 100
MAX_EF_SEARCH = 1000


def ensure_index(dim: int) -> bool:
    """Create the HNSW index for vectors of ``dim`` dimensions if there is none (one partial
    index per size: pgvector indexes a fixed size); True when it was created. Every model of
    that size shares it, so the queries filter on the model (two models of one size are both
    in it only during a re-embed). Built ``CONCURRENTLY`` outside a transaction, so embed
    workers keep writing meanwhile.

    One process builds it: several embed workers starting at once would each run ``CREATE
    INDEX CONCURRENTLY``, and two of those wait for each other's transactions until
    PostgreSQL ends one with "deadlock detected". The lock is only *tried*: a worker that
    waited for it would hold a snapshot the builder's CONCURRENTLY waits for, the same
    deadlock by another road. A worker that does not get it goes on embedding; the index
    serves when its builder is done."""
    dim = int(dim)  # a number, never user text: safe to put in the SQL
    if not 0 < dim <= 2000:  # pgvector's HNSW limit for ``vector``
        return False
    name = f"search_papervector_hnsw_{dim}"
    in_transaction = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        if cursor.fetchone():
            return False
        # In a transaction the lock ends with it; outside, it is released below.
        lock = "pg_try_advisory_xact_lock" if in_transaction else "pg_try_advisory_lock"
        cursor.execute(f"SELECT {lock}(%s)", [INDEX_BUILD_LOCK])
        if not cursor.fetchone()[0]:
            return False
        try:
            # A builder may have finished between the look above and the lock: then the
            # CREATE below would do nothing, and this worker did not build it.
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
            if cursor.fetchone():
                return False
            concurrently = "CONCURRENTLY"
            if in_transaction:
                concurrently = ""  # impossible in a transaction block
                # Django's foreign keys are deferred, and CREATE INDEX refuses to run on a
                # table with checks pending: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"CREATE INDEX {concurrently} IF NOT EXISTS {name} ON search_papervector "
                f"USING hnsw ((embedding::vector({dim})) vector_cosine_ops) "
                f"WHERE vector_dims(embedding) = {dim}"
            )
        finally:
            if not in_transaction:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [INDEX_BUILD_LOCK])
    return True


@dataclass(frozen=True)
class PgvectorSnapshot:
    """The ids of the papers with a vector by this model, sorted (as NumpyIndex's)."""

    ids: np.ndarray


def _literal(vector: np.ndarray) -> str:
    # pgvector's text form; repr of a float32 round-trips exactly.
    return "[" + ",".join(repr(float(x)) for x in np.asarray(vector, dtype=np.float32)) + "]"


class PgvectorIndex:
    in_process = False  # every search is a query

    def __init__(self, model: str) -> None:
        self.model = model

    def refresh(self, force: bool = False) -> PgvectorSnapshot:
        """The current ids; there is no cache to refresh (the database is always current)."""
        ids = PaperVector.objects.filter(model=self.model).order_by("paper_id")
        return PgvectorSnapshot(np.fromiter(ids.values_list("paper_id", flat=True), dtype=np.int64))

    def vectors_of(self, paper_ids: list[int]) -> dict[int, np.ndarray]:
        rows = PaperVector.objects.filter(model=self.model, paper_id__in=paper_ids)
        return {
            paper_id: np.frombuffer(bytes(blob), dtype=VECTOR_DTYPE).astype(np.float32)
            for paper_id, blob in rows.values_list("paper_id", "vector")
        }

    def nearest(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
        snapshot: VectorSnapshot | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` papers most similar to ``query`` (cosine), best first, as (id, score);
        only ids in ``allowed`` when it is given. ``snapshot`` is ignored: the database is
        always current."""
        if k <= 0 or not query.any() or (allowed is not None and not len(allowed)):
            return []
        dim = len(query)  # a number, never user text: safe to put in the SQL
        distance = f"embedding::vector({dim}) <=> %s::vector({dim})"
        where = "model = %s AND vector_dims(embedding) = %s"
        params: list[Any] = [self.model, dim]
        if allowed is not None:
            where += " AND paper_id = ANY(%s)"
            params.append([int(i) for i in allowed])
        if exclude:
            where += " AND NOT paper_id = ANY(%s)"
            params.append([int(i) for i in exclude])
        literal = _literal(query)
        with transaction.atomic(), connection.cursor() as cursor:
            # SET LOCAL ends with the transaction. Iterative scans go on past a filter that
            # rejects most neighbours (a small ``allowed``) instead of returning fewer than k.
            ef_search = min(MAX_EF_SEARCH, max(MIN_EF_SEARCH, 2 * k))
            cursor.execute(f"SET LOCAL hnsw.ef_search = {ef_search}")
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cursor.execute(
                f"SELECT paper_id, 1 - ({distance}) FROM search_papervector WHERE {where} "
                f"ORDER BY {distance} LIMIT %s",
                [literal, *params, literal, k],
            )
            rows = cursor.fetchall()
        # relaxed_order may return neighbours slightly out of order; zero vectors score NaN.
        found = [(int(i), float(s)) for i, s in rows if s is not None and not math.isnan(s)]
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))
