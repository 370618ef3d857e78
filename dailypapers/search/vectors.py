"""Paper vectors, whatever the database: embed and store them, find nearest neighbours.

The one entry point for views and commands. Searching goes through a backend chosen from the
connection's vendor (``numpy_index.py``, exact and in-process, for SQLite;
``pgvector_index.py``, HNSW in the database, for PostgreSQL), as ``keyword.py`` does for
full-text search.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from dailypapers.papers.models import Paper
from dailypapers.search.embedder import get_embedder, paper_text
from dailypapers.search.models import PaperVector
from dailypapers.search.numpy_index import NumpyIndex
from dailypapers.search.pgvector_index import PgvectorIndex


@functools.cache
def _numpy_index(model: str) -> NumpyIndex:
    return NumpyIndex(model)


def index() -> NumpyIndex | PgvectorIndex:
    """The vector index of this process for the current model and database."""
    if connection.vendor == "sqlite":
        return _numpy_index(get_embedder().name)
    if connection.vendor == "postgresql":
        return PgvectorIndex(get_embedder().name)
    raise NotImplementedError(f"no vector search backend for {connection.vendor}")


def reset() -> None:
    """Forget every loaded index (tests, and after a model change)."""
    _numpy_index.cache_clear()


def without_vectors() -> QuerySet[Paper]:
    """Papers that have no vector by the current model, oldest row first."""
    model = get_embedder().name
    return Paper.objects.filter(Q(vector__isnull=True) | ~Q(vector__model=model)).order_by("id")


def save_vectors(pairs: Iterable[tuple[int, np.ndarray]], model: str) -> int:
    """Store (paper id, vector) pairs for ``model``, replacing older ones; returns the count."""
    now = timezone.now()
    rows = [
        PaperVector(paper_id=paper_id, model=model, vector=PaperVector.pack(vector), created=now)
        for paper_id, vector in pairs
    ]
    PaperVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["paper"],
        update_fields=["model", "vector", "created"],
    )
    return len(rows)


def embed_papers(papers: Iterable[Paper]) -> int:
    """Embed these papers with the current model and store their vectors."""
    papers = list(papers)
    if not papers:
        return 0
    embedder = get_embedder()
    vectors = embedder.embed([paper_text(p.title, p.abstract) for p in papers])
    return save_vectors(zip((p.pk for p in papers), vectors, strict=True), embedder.name)


def embed_query(text: str) -> np.ndarray:
    return get_embedder().embed([text])[0]
