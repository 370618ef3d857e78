"""Several embed workers starting at once on PostgreSQL build a model's HNSW index once,
without "deadlock detected": two ``CREATE INDEX CONCURRENTLY`` on one table wait for each
other's transactions, so ``ensure_index`` lets one process build at a time."""

import threading

import pytest
from django.db import connection, connections

from dailypapers.search.vectors.pgvector_index import ensure_index

pytestmark = [
    pytest.mark.django_db(transaction=True),  # CONCURRENTLY runs outside transactions only
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pgvector is PostgreSQL's"),
]

DIM = 384  # a size no migration indexes
NAME = f"search_papervector_hnsw_{DIM}"


def index_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [NAME])
        return cursor.fetchone() is not None


@pytest.fixture
def no_index():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {NAME}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {NAME}")


def test_workers_starting_at_once_build_the_index_once(no_index):
    workers = 4
    start = threading.Barrier(workers)
    built: list[bool] = []
    failures: list[BaseException] = []

    def worker():
        try:
            start.wait()
            built.append(ensure_index(DIM))
        except BaseException as error:  # reported below, with its message
            failures.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not failures, failures
    assert len(built) == workers
    assert index_exists()
    # Nobody built it twice; a worker that found it being built went on without it.
    assert built.count(True) <= 1
    # Once built, asking again changes nothing.
    assert ensure_index(DIM) is False


def test_the_shipped_models_size_is_indexed_by_the_migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%hnsw%"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"search_papervector_hnsw_256", "search_papervector_hnsw_512"} <= names
