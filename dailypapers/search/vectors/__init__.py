"""Paper vectors, whatever the database: embed and store them, find nearest neighbours.

The one entry point for views and commands. Every index holds the vectors of one embedding
model, and ``index()`` hands out the serving model's (``../serving.py``); ``embed_query`` embeds
with that same model, so a query never meets a vector of another model. Searching goes
through an index chosen from the connection's vendor (each keeps the contract of
``contract.py``), as the keyword package does for full-text search: on PostgreSQL
``pgvector_index.py`` (HNSW in the database); on SQLite ``numpy_index.py`` (exact, in each
process) until the model has ``hnsw_index.threshold()`` vectors, then ``hnsw_index.py`` (a
usearch HNSW graph in the data folder, written by ``dailypapers embed``) once its files exist.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from dailypapers.papers.models import Paper
from dailypapers.search import serving
from dailypapers.search.embedder import Embedder, paper_text
from dailypapers.search.models import EmbeddingModel, PaperVector
from dailypapers.search.vectors import hnsw_build, hnsw_index
from dailypapers.search.vectors.contract import VectorIndex
from dailypapers.search.vectors.hnsw_index import HnswIndex
from dailypapers.search.vectors.numpy_index import NumpyIndex, refresh_seconds
from dailypapers.search.vectors.pgvector_index import PgvectorIndex


@functools.cache
def _numpy_index(model: str) -> NumpyIndex:
    return NumpyIndex(model)


@functools.cache
def _hnsw_index(model: str) -> HnswIndex:
    return HnswIndex(model)


_served = ""


def index() -> VectorIndex:
    """The vector index of this process for the serving model and the database; its
    ``model`` attribute names the model (give it to ``embed_query``)."""
    global _served
    model = serving.serving()
    if model.name != _served:
        # Another model serves now: the previous one's matrix is no longer needed.
        _numpy_index.cache_clear()
        _hnsw_index.cache_clear()
        _served = model.name
    return index_of(model.name, model.dim)


def index_of(name: str, dim: int) -> VectorIndex:
    """The vector index of the model ``name`` (``dim`` dimensions), serving or not."""
    if connection.vendor == "sqlite":
        if hnsw_index.usable(name, dim):
            # The exact matrix, if this process loaded one before the files appeared, is
            # no longer needed: free it.
            _numpy_index.cache_clear()
            return _hnsw_index(name)
        return _numpy_index(name)
    if connection.vendor == "postgresql":
        return PgvectorIndex(name)
    raise NotImplementedError(f"no vector search backend for {connection.vendor}")


def reset() -> None:
    """Forget every loaded index and the serving model (tests, and after a model change)."""
    _numpy_index.cache_clear()
    _hnsw_index.cache_clear()
    _embedders.clear()
    hnsw_index.forget_manifests()
    serving.forget()


def update_index(rebuild: bool = False, model: EmbeddingModel | None = None):
    """Bring the vector index of the serving model (or ``model``) up to date: the HNSW files
    on SQLite (see ``hnsw_build.update``; returns their manifest, or None without files), the
    HNSW index for its size on PostgreSQL (returns None)."""
    model = model or serving.serving()
    if connection.vendor == "postgresql":
        from dailypapers.search.vectors.pgvector_index import ensure_index

        ensure_index(model.dim)
        return None
    if connection.vendor != "sqlite":
        return None
    return hnsw_build.update(model.name, model.dim, rebuild=rebuild)


def save_vectors(pairs: Iterable[tuple[int, np.ndarray]], model: str) -> int:
    """Store (paper id, vector) pairs for ``model``, replacing its older ones (another model's
    vectors of the same papers stay); returns the count.

    A replaced vector is deleted and stored as a new row rather than updated in place, so
    every vector stored since a moment has a row id above that moment's highest: the HNSW
    index's watermark (``hnsw_index.py``) relies on it."""
    now = timezone.now()
    rows = [
        PaperVector(paper_id=paper_id, model=model, vector=PaperVector.pack(vector), created=now)
        for paper_id, vector in pairs
    ]
    with transaction.atomic():
        PaperVector.objects.filter(
            model=model, paper_id__in=[row.paper_id for row in rows]
        ).delete()
        PaperVector.objects.bulk_create(rows)
    return len(rows)


def embed_with(model: EmbeddingModel, papers: Iterable[Paper]) -> int:
    """Embed these papers with ``model`` and store the vectors; 0 when the model's folder is
    gone (nothing can embed by it any more)."""
    papers = list(papers)
    embedder = serving.embedder_of(model)
    if not papers or embedder is None:
        return 0
    found = embedder.embed([paper_text(p.title, p.abstract) for p in papers])
    return save_vectors(zip((p.pk for p in papers), found, strict=True), model.name)


def embed_papers(papers: Iterable[Paper]) -> int:
    """Embed these papers with the serving model, and with the model being built if a
    re-embed is under way, replacing their vectors; returns the number of papers."""
    papers = list(papers)
    if not papers:
        return 0
    stored = 0
    for model in serving.to_fill():
        stored = max(stored, embed_with(model, papers))
    return stored


def embed_query(text: str, model: str | None = None) -> np.ndarray:
    """``text``'s vector by the serving model (or the model ``model``, as an index's
    ``model`` names it): pass the index's model when searching an index got earlier, so that
    a switch in between cannot pair a query of one model with vectors of another. A zero
    vector (which matches nothing) when that model cannot be loaded here."""
    return query_embedder(model)(text)


# (model name, folder) -> (when looked up, the loaded model or None).
_embedders: dict[tuple[str, str], tuple[float, Embedder | None]] = {}


def _embedder_of(row: EmbeddingModel) -> Embedder | None:
    """``serving.embedder_of(row)``, looked up again at most every ``refresh_seconds()``:
    the lookup reads each candidate folder's config.json: 0.25 ms (load 2.7; 1.2 ms under
    cProfile at load 3) of every hybrid search and similar-papers ranking, 0.008 ms cached.
    A folder removed since is noticed at the next look, as the serving model's row is."""
    key = (row.name, row.folder)
    now = time.monotonic()
    found = _embedders.get(key)
    if found is None or now - found[0] >= refresh_seconds():
        found = (now, serving.embedder_of(row))
        _embedders[key] = found
    return found[1]


def query_embedder(model: str | None = None) -> Callable[[str], np.ndarray]:
    """What ``embed_query(text, model)`` does, as a function of the text: the model's row
    is read here, so the function itself does no database work and another thread may run
    it (hybrid.py embeds a query there while this thread searches by keyword)."""
    row = serving.serving()
    if model is not None and model != row.name:
        row = EmbeddingModel.objects.filter(name=model).first() or EmbeddingModel(name=model)
    embedder = _embedder_of(row) if row.name else None
    if embedder is None:
        zero = np.zeros(row.dim or 1, dtype=np.float32)
        return lambda text: zero.copy()
    found = embedder
    return lambda text: found.embed([text])[0]
