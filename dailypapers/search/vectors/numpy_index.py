"""The exact in-process vector index: every paper vector in one numpy matrix, searched by a
matrix-vector product. The backend on SQLite (PostgreSQL has ``pgvector_index.py``).

Each process loads the ``PaperVector`` rows of the current model once, then looks for new rows
at most every ``DAILYPAPERS_VECTOR_REFRESH_SECONDS`` (new ones are appended; anything else
reloads the whole matrix). Memory is 1 KiB per paper at 256 float32 dimensions (1 GiB per
million papers); a query costs one pass over the matrix, so past ``hnsw_index.threshold()``
vectors ``vectors.py`` hands out the approximate ``hnsw_index.py`` instead (see docs/search.md).
Storing vectors is ``vectors.py``'s job; nothing here writes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Max

from dailypapers.search.models import VECTOR_DTYPE, PaperVector
from dailypapers.search.vectors.contract import VectorSnapshot


def refresh_seconds() -> float:
    # Read at each look, not at import: tests set it to 0 to see their own vectors at once.
    return settings.SEARCH_VECTOR_REFRESH_SECONDS


@dataclass(frozen=True)
class NumpySnapshot:
    """The matrix and the paper ids of its rows, sorted by id; replaced whole, never mutated,
    so a thread reading one while another refreshes sees a consistent pair."""

    ids: np.ndarray  # int64, sorted
    matrix: np.ndarray  # float32, (len(ids), dim), unit rows
    signature: tuple


EMPTY = NumpySnapshot(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), ())


class NumpyIndex:
    in_process = True  # a snapshot is a matrix in memory

    def __init__(self, model: str) -> None:
        self.model = model
        self.snapshot = EMPTY
        self.checked_at = -1e18
        self.lock = threading.Lock()

    def _rows(self):
        return PaperVector.objects.filter(model=self.model)

    def _signature(self) -> tuple:
        stats = self._rows().aggregate(last=Max("id"), count=Count("id"), newest=Max("created"))
        return (stats["last"], stats["count"], stats["newest"])

    def _load(self, rows) -> tuple[np.ndarray, np.ndarray]:
        pairs = list(rows.values_list("paper_id", "vector"))
        ids = np.fromiter((p for p, _ in pairs), dtype=np.int64, count=len(pairs))
        blob = b"".join(bytes(v) for _, v in pairs)
        matrix = np.frombuffer(blob, dtype=VECTOR_DTYPE).astype(np.float32)
        return ids, matrix.reshape(len(pairs), -1) if pairs else np.zeros((0, 0), np.float32)

    def refresh(self, force: bool = False) -> NumpySnapshot:
        now = time.monotonic()
        if not force and now - self.checked_at < refresh_seconds():
            return self.snapshot
        with self.lock:
            signature = self._signature()
            self.checked_at = now
            old = self.snapshot
            if signature == old.signature:
                return old
            if old.signature and signature[1] >= old.signature[1] and old.signature[0]:
                new_ids, new_rows = self._load(self._rows().filter(id__gt=old.signature[0]))
                # Only appended rows, none replaced: add them; otherwise reload everything.
                appended = len(new_ids) > 0 and len(new_ids) == signature[1] - old.signature[1]
                if appended and not np.isin(new_ids, old.ids).any():
                    ids = np.concatenate([old.ids, new_ids])
                    matrix = np.concatenate([old.matrix, new_rows]) if len(old.ids) else new_rows
                    order = np.argsort(ids, kind="stable")
                    self.snapshot = NumpySnapshot(ids[order], matrix[order], signature)
                    return self.snapshot
            ids, matrix = self._load(self._rows().order_by("paper_id"))
            self.snapshot = NumpySnapshot(ids, matrix, signature)
            return self.snapshot

    def vectors_of(self, paper_ids: list[int]) -> dict[int, np.ndarray]:
        snap = self.refresh()
        wanted = np.asarray(paper_ids, dtype=np.int64)
        positions = np.searchsorted(snap.ids, wanted)
        found = {}
        for paper_id, position in zip(paper_ids, positions, strict=True):
            if position < len(snap.ids) and snap.ids[position] == paper_id:
                found[paper_id] = snap.matrix[position]
        return found

    def nearest(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
        snapshot: VectorSnapshot | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` papers most similar to ``query`` (cosine), best first, as (id, score);
        only ids in ``allowed`` when it is given; in ``snapshot`` as it is when given."""
        snap = snapshot if isinstance(snapshot, NumpySnapshot) else self.refresh()
        return exact_nearest(snap.ids, snap.matrix, query, k, allowed, exclude)


def exact_nearest(
    ids: np.ndarray,
    matrix: np.ndarray,
    query: np.ndarray,
    k: int,
    allowed: np.ndarray | None = None,
    exclude: tuple[int, ...] = (),
) -> list[tuple[int, float]]:
    """The ``k`` rows of ``matrix`` (unit rows, paper ``ids``) most similar to ``query``, best
    first, as (id, cosine); only ids in ``allowed`` when it is given, never those in
    ``exclude``. Also what ``hnsw_index.py`` searches its recent vectors with."""
    if not len(ids) or k <= 0 or not query.any():
        return []
    scores = matrix @ query.astype(np.float32)
    if allowed is not None:
        scores[~np.isin(ids, allowed, assume_unique=True)] = -np.inf
    if exclude:
        scores[np.isin(ids, np.asarray(exclude, dtype=np.int64))] = -np.inf
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top if scores[i] > -np.inf]
