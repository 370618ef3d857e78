"""Converting the HNSW files of an older format: a float16 graph made int8 without a rebuild
(hnsw_convert.py), and what ``update()`` does with a format 1 generation."""

import numpy as np
import pytest
from django.db import connection
from usearch.index import Index, ScalarKind

from dailypapers.search import vectors
from dailypapers.search.tests.test_hnsw_index import (  # noqa: F401  # corpus: a fixture
    as_format_1,
    built,
    clustered,
    corpus,
    exact,
    unit,
)
from dailypapers.search.vectors import hnsw_build, hnsw_index
from dailypapers.search.vectors.hnsw_convert import quantize_graph
from dailypapers.search.vectors.hnsw_index import HnswIndex


def scalar_kind(path) -> ScalarKind:
    meta = Index.metadata(str(path))
    assert meta is not None
    return meta["kind_scalar"]


def vectors_of(graph: Index, keys: np.ndarray) -> list[list[int] | None]:
    """Each key's stored vector (None for a key the graph left out: a zero vector)."""
    found = graph.get(keys)
    assert isinstance(found, tuple | np.ndarray)
    return [None if row is None else np.asarray(row).tolist() for row in found]


def graph_of(dtype: str, rows: np.ndarray) -> Index:
    graph = Index(ndim=rows.shape[1], metric="cos", dtype=dtype, connectivity=16)
    graph.add(np.arange(len(rows)), rows, threads=1)
    return graph


def test_an_int8_graph_made_from_a_float16_one_is_what_usearch_would_store(tmp_path):
    rows = unit(np.random.default_rng(2).standard_normal((300, 32))).astype(np.float32)
    rows[7] = 0  # an empty row stays empty
    source = tmp_path / "f16.usearch"
    graph_of("f16", rows).save(str(source))
    quantize_graph(source, str(tmp_path / "i8.usearch"))
    converted = Index.restore(str(tmp_path / "i8.usearch"), view=True)
    assert converted is not None
    assert scalar_kind(tmp_path / "i8.usearch") == ScalarKind.I8
    native = graph_of("i8", rows.astype(np.float16).astype(np.float32))
    keys = np.arange(len(rows))
    # The vectors: byte for byte what usearch stores when given the float16 vectors.
    assert vectors_of(converted, keys) == vectors_of(native, keys)
    # The graph: the float16 one's edges, now searched by int8 distances.
    query = rows[3]
    truth = np.argsort(-(rows @ query))[:10]
    found = converted.search(query, 10).keys
    assert len(set(found.tolist()) & set(truth.tolist())) >= 9


def test_a_graph_that_is_not_float16_is_refused(tmp_path):
    rows = unit(np.random.default_rng(3).standard_normal((50, 8))).astype(np.float32)
    graph_of("f32", rows).save(str(tmp_path / "f32.usearch"))
    with pytest.raises(ValueError, match="not a float16"):
        quantize_graph(tmp_path / "f32.usearch", str(tmp_path / "out.usearch"))
    (tmp_path / "junk.usearch").write_bytes(b"\0" * 100)
    with pytest.raises(ValueError):
        quantize_graph(tmp_path / "junk.usearch", str(tmp_path / "out.usearch"))


def built_float16(monkeypatch) -> hnsw_index.Manifest:
    """The files as a site built before format 2 had them: a float16 graph."""
    with monkeypatch.context() as old:
        old.setattr(hnsw_index, "DTYPE", "f16")
        old.setattr(hnsw_build, "DTYPE", "f16")
        return built()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the usearch index is SQLite's")
def test_a_format_1_float16_graph_is_converted_not_rebuilt(corpus, monkeypatch):  # noqa: F811
    first = built_float16(monkeypatch)
    assert first.dtype == "f16"
    as_format_1(first)
    assert isinstance(vectors.index(), HnswIndex)  # served as it is meanwhile
    monkeypatch.setattr(hnsw_build, "build", lambda model: pytest.fail("rebuilt, not converted"))
    converted = built()
    assert (converted.generation, converted.format, converted.dtype) == (2, 2, "i8")
    graph_path, matrix_path, _ = converted.paths()
    assert scalar_kind(graph_path) == ScalarKind.I8
    assert np.load(matrix_path, mmap_mode="r").dtype == np.float16
    vectors.reset()
    index = vectors.index()
    query = clustered(1, seed=5)[0]
    found = {i for i, _ in index.nearest(query, 10)}
    assert len(found & {i for i, _ in exact(query, 10)}) >= 9


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the usearch index is SQLite's")
def test_a_graph_that_cannot_be_converted_is_rebuilt(corpus, monkeypatch):  # noqa: F811
    first = built_float16(monkeypatch)
    first.paths()[0].write_bytes(b"not a graph")
    rebuilt = built()
    assert (rebuilt.generation, rebuilt.dtype, rebuilt.format) == (2, "i8", 2)
    assert Index.restore(str(rebuilt.paths()[0]), view=True) is not None
