"""The contract of a vector index: what ``vectors.index()`` hands out.

Three keep it: ``numpy_index.NumpyIndex`` (exact, in each process; small SQLite sites),
``hnsw_index.HnswIndex`` (a usearch graph in the data folder; large SQLite sites) and
``pgvector_index.PgvectorIndex`` (HNSW in PostgreSQL). Each holds the vectors of one embedding
model, named by ``model``; mypy checks every class against ``VectorIndex`` where ``index()``
returns it.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class VectorSnapshot(Protocol):
    """What an index holds at one moment; replaced whole, never changed, so a thread that
    reads one while another refreshes sees a consistent state."""

    @property
    def ids(self) -> np.ndarray:
        """The ids of the papers with a vector, sorted (int64)."""


class VectorIndex(Protocol):
    model: str
    # Whether ``nearest`` given a ``snapshot`` does no database work, so that another thread
    # than the one that took the snapshot may run it (hybrid.py's meaning leg, legs.py).
    in_process: bool

    def refresh(self, force: bool = False) -> VectorSnapshot:
        """Pick up vectors stored since the last look (at most every few seconds, unless
        ``force``); returns the current snapshot."""

    def vectors_of(self, paper_ids: list[int]) -> dict[int, np.ndarray]:
        """The vectors of those of these papers that have one (unit float32 rows)."""

    def nearest(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
        snapshot: VectorSnapshot | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` papers most similar to ``query`` (cosine), best first, as (id, score);
        only ids in ``allowed`` when it is given, never those in ``exclude``. Given a
        ``snapshot`` (from ``refresh()``), an ``in_process`` index searches it as it is,
        without looking for newer vectors; others ignore it."""
