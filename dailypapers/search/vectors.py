"""Paper vectors, whatever the database: embed and store them, find nearest neighbours.

The one entry point for views and commands. Searching goes through a backend chosen from the
connection's vendor, as ``keyword.py`` does for full-text search: on PostgreSQL
``pgvector_index.py`` (HNSW in the database); on SQLite ``numpy_index.py`` (exact, in each
process) until the site has ``hnsw_index.threshold()`` vectors, then ``hnsw_index.py`` (a
usearch HNSW graph in the data folder, written by ``dailypapers embed``) once its files exist.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from dailypapers.papers.models import Paper
from dailypapers.search import hnsw_build, hnsw_index
from dailypapers.search.embedder import get_embedder, paper_text
from dailypapers.search.hnsw_index import HnswIndex
from dailypapers.search.models import PaperVector
from dailypapers.search.numpy_index import NumpyIndex
from dailypapers.search.pgvector_index import PgvectorIndex


@functools.cache
def _numpy_index(model: str) -> NumpyIndex:
    return NumpyIndex(model)


@functools.cache
def _hnsw_index(model: str) -> HnswIndex:
    return HnswIndex(model)


def index() -> NumpyIndex | HnswIndex | PgvectorIndex:
    """The vector index of this process for the current model and database."""
    embedder = get_embedder()
    if connection.vendor == "sqlite":
        if hnsw_index.usable(embedder.name, embedder.dim):
            # The exact matrix, if this process loaded one before the files appeared, is
            # no longer needed: free it.
            _numpy_index.cache_clear()
            return _hnsw_index(embedder.name)
        return _numpy_index(embedder.name)
    if connection.vendor == "postgresql":
        return PgvectorIndex(embedder.name)
    raise NotImplementedError(f"no vector search backend for {connection.vendor}")


def reset() -> None:
    """Forget every loaded index (tests, and after a model change)."""
    _numpy_index.cache_clear()
    _hnsw_index.cache_clear()
    hnsw_index.forget_manifests()


def update_index(rebuild: bool = False) -> hnsw_index.Manifest | None:
    """Bring the vector index files of the current model up to date (SQLite only: PostgreSQL's
    index lives in the database); see ``hnsw_build.update``."""
    if connection.vendor != "sqlite":
        return None
    embedder = get_embedder()
    return hnsw_build.update(embedder.name, embedder.dim, rebuild=rebuild)


def without_vectors() -> QuerySet[Paper]:
    """Papers that have no vector by the current model, oldest row first."""
    model = get_embedder().name
    return Paper.objects.filter(Q(vector__isnull=True) | ~Q(vector__model=model)).order_by("id")


def save_vectors(pairs: Iterable[tuple[int, np.ndarray]], model: str) -> int:
    """Store (paper id, vector) pairs for ``model``, replacing older ones; returns the count.

    A replaced vector is deleted and stored as a new row rather than updated in place, so
    every vector stored since a moment has a row id above that moment's highest: the HNSW
    index's watermark (``hnsw_index.py``) relies on it."""
    now = timezone.now()
    rows = [
        PaperVector(paper_id=paper_id, model=model, vector=PaperVector.pack(vector), created=now)
        for paper_id, vector in pairs
    ]
    with transaction.atomic():
        PaperVector.objects.filter(paper_id__in=[row.paper_id for row in rows]).delete()
        PaperVector.objects.bulk_create(rows)
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
