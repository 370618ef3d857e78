"""The meaning leg of a hybrid search run in a worker thread: same results, no database there."""

import datetime as dt
import itertools
import logging
import os
import random
import threading
import warnings

import pytest
from django.db import connection, connections

from dailypapers.papers.models import Paper
from dailypapers.search import legs, vectors
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db

TOPICS = {
    "vision": "image segmentation convolutional pixels detection camera scenes",
    "language": "language model translation tokens grammar text corpus",
    "robots": "robot grasping motion planning arms control manipulation",
    "proteins": "protein folding structure amino acids molecules biology",
    "graphs": "graph networks nodes edges message passing community",
}

QUERIES = [
    "a study of language model translation of old grammar corpus text with tokens",
    "robot arms grasping objects",
    "protein structure from amino acids",
    "how do graph networks pass messages between nodes and edges in communities",
    "camera scenes pixels",
    "segmentation",  # short: its weight hangs on the keyword count, so no early leg
    "unheard words entirely",  # no paper has them: meaning alone
    '"motion planning" robots',  # strict: meaning re-orders the keyword head
]


@pytest.fixture
def corpus():
    """Sixty papers over five topics whose words overlap, embedded."""
    rng = random.Random(7)
    topics = list(TOPICS.items())
    for number in range(60):
        name, words = topics[number % len(topics)]
        other = TOPICS[topics[(number + rng.randrange(1, 5)) % len(topics)][0]].split()
        mine = words.split()
        title = " ".join(rng.sample(mine, 3) + rng.sample(other, 1))
        abstract = " ".join(rng.choices(mine, k=12) + rng.choices(other, k=rng.randrange(1, 6)))
        make_paper(
            title.capitalize(),
            abstract=abstract + ".",
            categories=["cs.RO"] if name == "robots" or number % 4 == 0 else ["cs.CL"],
            published_at=dt.datetime(2026, 5, 1 + number % 28, tzinfo=dt.UTC),
        )
    vectors.embed_papers(Paper.objects.all())
    return list(Paper.objects.order_by("id"))


def answers(texts, filters=None):
    """Each query's first 60 ids and its count."""
    found = []
    for text in texts:
        results = search(text, filters)
        found.append((text, results.ids[0:60], results.total))
    return found


def both_ways(monkeypatch, texts, filters=None):
    threaded = answers(texts, filters)
    monkeypatch.setattr(legs, "THREADS", 0)
    inline = answers(texts, filters)
    monkeypatch.undo()
    return threaded, inline


def test_the_fused_ids_are_the_same_with_the_meaning_leg_in_a_thread(corpus, monkeypatch):
    likes = [f"like:{paper.arxiv_id}" for paper in corpus[:3]]
    threaded, inline = both_ways(monkeypatch, QUERIES + likes)
    assert threaded == inline
    assert all(ids for text, ids, total in threaded if text != "unheard words entirely")


def test_filtered_and_sorted_searches_are_the_same_too(corpus, monkeypatch):
    for params in ({"category": "cs.RO"}, {"sort": "newest"}, {"to": "2026-05-10"}):
        threaded, inline = both_ways(monkeypatch, QUERIES, SearchFilters.from_params(params))
        assert threaded == inline, params


def test_the_same_on_the_hnsw_index(corpus, monkeypatch, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the usearch index is SQLite's; PostgreSQL searches in its own thread")
    settings.SEARCH_VECTOR_INDEX = "hnsw"
    assert vectors.update_index() is not None
    vectors.reset()
    assert type(vectors.index()).__name__ == "HnswIndex"
    threaded, inline = both_ways(monkeypatch, QUERIES)
    assert threaded == inline


def test_a_long_query_starts_its_meaning_leg_before_the_keyword_search(corpus):
    long_query = search(QUERIES[0])
    short_query = search("segmentation")
    strict_query = search('"motion planning" robots')
    if connection.vendor == "sqlite":
        assert long_query.meaning is not None
        work = long_query.nearest_work()
        assert work is not None
        assert long_query.meaning.result() == work()
    else:  # pgvector searches in the database: in the request thread
        assert long_query.meaning is None
    assert short_query.meaning is None and short_query.semantic_weight == 0.0
    assert strict_query.meaning is None


def test_no_search_leg_touches_the_database(corpus, caplog):
    filters = SearchFilters.from_params({"category": "cs.RO"})
    with caplog.at_level(logging.WARNING, logger="dailypapers.search.legs"):
        for text, chosen in itertools.product(QUERIES[:4], (None, filters)):
            results = search(text, chosen)
            results.ids[0:20], results.total
        results = search(f"like:{corpus[0].arxiv_id}")
        results.ids[0:20]
    assert not caplog.records


def test_a_leg_that_uses_the_database_is_closed_and_named(caplog):
    def asks_the_database():
        # What a leg must not do: its own connection, outside the request's transaction.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone(), connections["default"]

    with caplog.at_level(logging.WARNING, logger="dailypapers.search.legs"):
        row, used = legs.start(asks_the_database).result()
    assert row == (1,)
    assert "used the database in a worker thread" in caplog.text
    assert used is not connections["default"]  # the worker's own, not the request's
    # Closed (SQLite's in-memory test database stays open while any connection holds it).
    assert used.connection is None or used.is_in_memory_db()


def test_an_error_in_a_leg_is_raised_where_its_result_is_read():
    def fails():
        raise ValueError("no such vector")

    future = legs.start(fails)
    with pytest.raises(ValueError, match="no such vector"):
        future.result()


def test_legs_run_in_worker_threads_and_inline_when_threads_is_zero(monkeypatch):
    assert legs.start(threading.current_thread).result() is not threading.current_thread()
    monkeypatch.setattr(legs, "THREADS", 0)
    assert legs.start(threading.current_thread).result() is threading.current_thread()


def test_a_forked_worker_makes_its_own_pool():
    # As gunicorn forks its workers: the parent's pool has no threads in the child, and a
    # leg sent to it there would wait forever.
    assert legs.start(os.getpid).result() == os.getpid()
    read, write = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns that forking a threaded process may deadlock: what is tested.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:
        try:
            ran = legs.start(os.getpid).result(timeout=10) == os.getpid()
            os.write(write, b"1" if ran else b"0")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 1) == b"1"
    os.close(read)
