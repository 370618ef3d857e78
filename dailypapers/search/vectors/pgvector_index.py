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

# The dimensions the migration built an HNSW index for (the shipped model's). A model of
# another size gets its own partial index from ``ensure_index`` before it serves
# (``dailypapers embed``); until then its rows are searched exactly, by a scan.
INDEXED_DIMENSIONS = 256
# HNSW's candidate list per search: more than the default 40 because hybrid search asks for
# its whole head at once, and recall falls when k nears ef_search.
MIN_EF_SEARCH = 100
MAX_EF_SEARCH = 1000


def ensure_index(dim: int) -> bool:
    """Create the HNSW index for vectors of ``dim`` dimensions if there is none (one partial
    index per size: pgvector indexes a fixed size); True when it was created. Every model of
    that size shares it, so the queries filter on the model (two models of one size are both
    in it only during a re-embed). Built ``CONCURRENTLY`` outside a transaction, so embed
    workers keep writing meanwhile."""
    dim = int(dim)  # a number, never user text: safe to put in the SQL
    if not 0 < dim <= 2000:  # pgvector's HNSW limit for ``vector``
        return False
    name = f"search_papervector_hnsw_{dim}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        if cursor.fetchone():
            return False
        concurrently = "CONCURRENTLY"
        if connection.in_atomic_block:
            concurrently = ""  # impossible in a transaction block
            # Django's foreign keys are deferred, and CREATE INDEX refuses to run on a table
            # with checks pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"CREATE INDEX {concurrently} IF NOT EXISTS {name} ON search_papervector "
            f"USING hnsw ((embedding::vector({dim})) vector_cosine_ops) "
            f"WHERE vector_dims(embedding) = {dim}"
        )
    return True


@dataclass(frozen=True)
class PgvectorSnapshot:
    """The ids of the papers with a vector by this model, sorted (as NumpyIndex's)."""

    ids: np.ndarray


def _literal(vector: np.ndarray) -> str:
    # pgvector's text form; repr of a float32 round-trips exactly.
    return "[" + ",".join(repr(float(x)) for x in np.asarray(vector, dtype=np.float32)) + "]"


class PgvectorIndex:
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
    ) -> list[tuple[int, float]]:
        """The ``k`` papers most similar to ``query`` (cosine), best first, as (id, score);
        only ids in ``allowed`` when it is given."""
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
