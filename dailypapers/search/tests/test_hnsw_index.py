"""The HNSW vector index of large SQLite sites: its files, what it finds, how it keeps up."""

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection

from dailypapers.papers.models import Paper
from dailypapers.papers.writing import save_papers
from dailypapers.search import vectors
from dailypapers.search.embedder import get_embedder
from dailypapers.search.models import PaperVector
from dailypapers.search.vectors import hnsw_build, hnsw_index, row_file
from dailypapers.search.vectors.hnsw_index import HnswIndex
from dailypapers.search.vectors.numpy_index import NumpyIndex
from dailypapers.sources.records import PaperRecord
from tests.support.testing import make_paper

pytestmark = [
    pytest.mark.django_db,
    # PostgreSQL searches vectors with pgvector's own HNSW index (pgvector_index.py).
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the usearch index is SQLite's"),
]

CORPUS = 2_000


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def clustered(count: int, seed: int) -> np.ndarray:
    """Vectors around 40 topics, as papers' are: neighbours are close, not arbitrary."""
    rng = np.random.default_rng(seed)
    dim = get_embedder().dim
    topics = rng.standard_normal((40, dim))
    return unit(topics[rng.integers(0, 40, count)] + 0.6 * rng.standard_normal((count, dim)))


def store(pairs) -> None:
    vectors.save_vectors(pairs, get_embedder().name)


@pytest.fixture
def corpus(settings):
    """2,000 papers with clustered vectors, and the threshold below them."""
    settings.SEARCH_HNSW_THRESHOLD = 1_000
    save_papers([PaperRecord(arxiv_id=f"2601.{n:05d}", title=f"P{n}") for n in range(CORPUS)])
    ids = list(Paper.objects.order_by("id").values_list("id", flat=True))
    store(zip(ids, clustered(len(ids), seed=1), strict=True))
    return np.array(ids)


def built(model: str | None = None) -> hnsw_index.Manifest:
    manifest = vectors.update_index()
    assert manifest is not None
    return manifest


def exact(query, k, **filters):
    return NumpyIndex(get_embedder().name).nearest(query, k, **filters)


def test_the_graph_finds_nearly_what_the_exact_search_finds(corpus):
    built()
    index = vectors.index()
    assert isinstance(index, HnswIndex)
    queries = clustered(50, seed=2)
    recall = 0.0
    for query in queries:
        found = index.nearest(query, 10)
        truth = exact(query, 10)
        recall += len({i for i, _ in found} & {i for i, _ in truth}) / 10
        # Scores are exact cosines, as the exact index gives them.
        scores = dict(truth)
        assert all(score == pytest.approx(scores[i], abs=1e-5) for i, score in found if i in scores)
        assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    assert recall / len(queries) >= 0.9


def test_without_files_or_below_the_threshold_the_exact_index_is_used(corpus, settings):
    assert isinstance(vectors.index(), NumpyIndex)
    built()
    assert isinstance(vectors.index(), HnswIndex)
    settings.SEARCH_HNSW_THRESHOLD = CORPUS + 1
    assert isinstance(vectors.index(), NumpyIndex)
    settings.SEARCH_VECTOR_INDEX = "hnsw"
    assert isinstance(vectors.index(), HnswIndex)
    settings.SEARCH_VECTOR_INDEX = "exact"
    assert isinstance(vectors.index(), NumpyIndex)


def test_no_files_are_written_below_the_threshold(corpus, settings):
    settings.SEARCH_HNSW_THRESHOLD = CORPUS + 1
    assert vectors.update_index() is None
    assert not hnsw_index.manifest_path(get_embedder().name).exists()


def test_a_vector_stored_after_the_build_is_found_at_once(corpus):
    built()
    newcomer = make_paper("Fresh from the embedder")
    query = clustered(1, seed=3)[0]
    store([(newcomer.pk, query)])
    found = vectors.index().nearest(query, 5)
    assert found[0][0] == newcomer.pk
    assert found[0][1] == pytest.approx(1.0, abs=1e-3)
    assert newcomer.pk in vectors.index().refresh().ids


def test_a_replaced_vector_is_listed_once_with_its_new_score(corpus):
    built()
    query = clustered(1, seed=4)[0]
    far_away = exact(-query, 1)[0][0]
    store([(far_away, query)])
    index = vectors.index()
    found = index.nearest(query, 20)
    assert found[0] == (far_away, pytest.approx(1.0, abs=1e-3))
    assert [i for i, _ in found].count(far_away) == 1
    assert index.vectors_of([far_away])[far_away] @ query == pytest.approx(1.0, abs=1e-3)
    # Replaced away from the query: its old, close vector in the graph is not used.
    close = found[1][0]
    store([(close, -query)])
    assert close not in [i for i, _ in index.nearest(query, 20)]


def test_excluded_and_allowed_papers_are_honoured(corpus, monkeypatch):
    built()
    index = vectors.index()
    query = clustered(1, seed=5)[0]
    best = [i for i, _ in index.nearest(query, 5)]
    assert best[0] not in [i for i, _ in index.nearest(query, 5, exclude=(best[0],))]
    # A small allowed set is searched exactly over its rows, a large one through the graph.
    monkeypatch.setattr(hnsw_index, "EXACT_ALLOWED", 100)
    few, many = np.array([*corpus[::100], best[0]]), corpus[::2]
    for allowed in (few, many):
        found = index.nearest(query, 10, allowed=allowed, exclude=(best[0],))
        assert found and {i for i, _ in found} <= set(allowed.tolist()) - {best[0]}
        truth = exact(query, 10, allowed=allowed, exclude=(best[0],))
        assert len({i for i, _ in found} & {i for i, _ in truth}) >= 8
    assert {i for i, _ in index.nearest(query, 10, allowed=few)} == {
        i for i, _ in exact(query, 10, allowed=few)
    }
    assert index.nearest(query, 10, allowed=np.array([], dtype=np.int64)) == []


def test_files_for_another_model_are_rebuilt_not_used(corpus):
    first = built()
    path = hnsw_index.manifest_path(first.model)
    path.write_text(path.read_text().replace(f'"dims": {first.dims}', '"dims": 3'))
    vectors.reset()
    assert isinstance(vectors.index(), NumpyIndex)
    rebuilt = built()
    assert (rebuilt.dims, rebuilt.generation) == (first.dims, first.generation + 1)
    assert isinstance(vectors.index(), HnswIndex)


def test_a_few_new_vectors_are_left_to_the_exact_search_until_they_add_up(corpus, monkeypatch):
    first = built()
    newcomer = make_paper("Newcomer")
    store([(newcomer.pk, clustered(1, seed=8)[0])])
    assert built() == first
    assert vectors.index().nearest(clustered(1, seed=8)[0], 1)[0][0] == newcomer.pk
    monkeypatch.setattr(hnsw_build, "EXTEND_AFTER_ROWS", 1)
    assert built().generation == first.generation + 1


def test_a_reader_moves_to_the_new_files_after_an_update(corpus, monkeypatch):
    monkeypatch.setattr(hnsw_build, "EXTEND_AFTER_ROWS", 1)
    first = built()
    reader = HnswIndex(first.model)
    assert reader.refresh(force=True).manifest == first
    newcomers = [make_paper(f"Newcomer {n}") for n in range(3)]
    store(zip((p.pk for p in newcomers), clustered(3, seed=6), strict=True))
    assert len(reader.refresh(force=True).recent_ids) == 3
    second = built()
    assert (second.generation, second.count) == (first.generation + 1, CORPUS + 3)
    snap = reader.refresh(force=True)
    assert snap.manifest == second and not len(snap.recent_ids)
    assert not first.paths()[0].exists()  # the old generation is gone
    assert reader.nearest(clustered(3, seed=6)[1], 1)[0][0] == newcomers[1].pk


def test_an_update_drops_deleted_papers_and_keeps_replaced_ones_once(corpus, monkeypatch):
    monkeypatch.setattr(hnsw_build, "EXTEND_AFTER_ROWS", 1)
    built()
    Paper.objects.filter(pk__in=corpus[:5].tolist()).delete()
    store([(int(corpus[10]), clustered(1, seed=7)[0])])
    manifest = built()
    assert manifest.count == CORPUS - 5
    snap = HnswIndex(manifest.model).refresh(force=True)
    assert not set(corpus[:5].tolist()) & set(snap.built_ids.tolist())
    assert snap.graph is not None and len(snap.graph) == CORPUS - 5


def test_embed_writes_the_index_files_and_rebuilds_them_on_demand(settings, capsys):
    settings.SEARCH_HNSW_THRESHOLD = 3
    for number in range(4):
        make_paper(f"Paper {number}")
    call_command("embed", verbosity=0)
    manifest = hnsw_index.read_manifest(get_embedder().name)
    assert manifest is not None and manifest.count == 4
    assert manifest.last_id == PaperVector.objects.latest("id").id
    call_command("embed", "--rebuild-index", verbosity=0)
    assert "4 vectors" in capsys.readouterr().out
    rebuilt = hnsw_index.read_manifest(get_embedder().name)
    assert rebuilt is not None and rebuilt.generation == manifest.generation + 1
    assert not list(hnsw_index.folder().glob("*.tmp"))


def mapped_files() -> str:
    return Path("/proc/self/maps").read_text()


def test_the_matrix_is_float16_and_read_without_keeping_it_mapped(corpus):
    manifest = built()
    graph_path, matrix_path, ids_path = manifest.paths()
    assert manifest.format == hnsw_index.FORMAT == 2
    assert np.load(matrix_path, mmap_mode="r").dtype == np.float16
    index = vectors.index()
    assert isinstance(index, HnswIndex)
    query = clustered(1, seed=3)[0]
    found = index.nearest(query, 10)
    few = corpus[::7]
    index.nearest(query, 10, allowed=few)  # an exact search over the rows of the allowed
    stored = {
        row.paper_id: row.unpack()
        for row in PaperVector.objects.filter(paper_id__in=corpus[:50].tolist())
    }
    got = index.vectors_of(corpus[:50].tolist())
    assert got.keys() == stored.keys()
    for paper_id, vector in stored.items():
        assert np.array_equal(got[paper_id], vector)  # float16 in both: exact
    # Scores are exact cosines of the stored vectors.
    mine = index.vectors_of([paper_id for paper_id, _ in found])
    for paper_id, score in found:
        assert score == pytest.approx(float(mine[paper_id] @ query), abs=1e-5)
    maps = mapped_files()
    assert str(graph_path) in maps and str(ids_path) in maps
    assert str(matrix_path) not in maps  # read, not mapped: nothing of it stays resident


def as_format_1(manifest: hnsw_index.Manifest) -> None:
    """Rewrite ``manifest``'s generation as the previous format wrote it: a float32 matrix,
    a manifest without ``format``."""
    _, matrix_path, _ = manifest.paths()
    np.save(matrix_path, np.load(matrix_path).astype("<f4"))
    path = hnsw_index.manifest_path(manifest.model)
    data = json.loads(path.read_text())
    del data["format"]
    path.write_text(json.dumps(data))
    vectors.reset()


def same(found: list[tuple[int, float]], expected: list[tuple[int, float]]) -> bool:
    """The same papers in the same order, with the same scores to float32's precision."""
    return [i for i, _ in found] == [i for i, _ in expected] and np.allclose(
        [s for _, s in found], [s for _, s in expected], atol=1e-6
    )


def test_a_format_1_generation_serves_until_update_converts_it(corpus):
    first = built()
    query = clustered(1, seed=4)[0]
    before = vectors.index().nearest(query, 10)
    as_format_1(first)
    old = hnsw_index.read_manifest(first.model)
    assert old is not None and old.format == 1 and not old.current(first.model)
    index = vectors.index()
    assert isinstance(index, HnswIndex)  # still served while nothing converted it
    assert same(index.nearest(query, 10), before)
    converted = built()
    assert (converted.generation, converted.format) == (first.generation + 1, 2)
    assert (converted.count, converted.last_id) == (first.count, first.last_id)
    assert np.load(converted.paths()[1], mmap_mode="r").dtype == np.float16
    assert not first.paths()[1].exists()
    vectors.reset()
    assert same(vectors.index().nearest(query, 10), before)


def test_a_graph_of_other_parameters_serves_until_it_is_rebuilt(corpus, monkeypatch):
    first = built()
    monkeypatch.setattr(hnsw_index, "CONNECTIVITY", 8)
    monkeypatch.setattr(hnsw_build, "CONNECTIVITY", 8)
    vectors.reset()
    assert isinstance(vectors.index(), HnswIndex)
    rebuilt = built()
    assert (rebuilt.generation, rebuilt.connectivity) == (first.generation + 1, 8)


def test_a_large_exact_search_through_the_float16_shortlist_is_exact(corpus, monkeypatch):
    built()
    monkeypatch.setattr(hnsw_index, "SHORTLIST_FROM", 100)  # the 1,000 allowed rows: shortlisted
    index = vectors.index()
    allowed = corpus[::2]
    for seed in range(5):
        query = clustered(1, seed=20 + seed)[0]
        assert same(index.nearest(query, 10, allowed=allowed), exact(query, 10, allowed=allowed))


def test_rows_come_back_in_the_order_asked(tmp_path):
    matrix = np.random.default_rng(4).standard_normal((500, 16)).astype("<f2")
    np.save(tmp_path / "m.npy", matrix)
    rows = row_file.RowFile(tmp_path / "m.npy")
    positions = np.array([499, 3, 3, 250, 0, 4, 5, 260, 11])  # unsorted, repeated, near, far
    assert np.array_equal(rows.rows(positions, stored=True), matrix[positions])
    assert np.array_equal(rows.rows(positions), matrix[positions].astype(np.float32))
    assert rows.rows(np.zeros(0, dtype=np.int64)).shape == (0, 16)
