"""A bulk import's backlog of keyword changes is applied in one pass (``tantivy_index.BULK``),
and leaves the index answering every field exactly as a rebuild from the papers table does,
with the changes other writers made meanwhile still applied or still pending."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from dailypapers.papers.models import Organization, Paper
from dailypapers.papers.tests.upstream import FIXTURES
from dailypapers.search.keyword import tantivy_index
from tests.support.testing import make_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the tantivy index is SQLite's"),
]
SAMPLE = FIXTURES / "arxiv" / "snapshot" / "snapshot_sample.jsonl"


def pending() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT paper_id FROM search_keyword_change ORDER BY seq")
        return [row[0] for row in cursor.fetchall()]


def answers(organization: int) -> dict[str, list[int]]:
    """The ids every field of the index answers for, query by query (scores aside: deleted
    documents count in bm25's statistics until their segment is merged)."""
    index = tantivy_index.get()
    index.index.reload()
    searcher = index.index.searcher()
    queries = {
        "all": "*",
        "title": "title:robot",
        "title stem": "title:kernels",
        "title changed": "title:grasp",
        "authors": "author_names:lovelace",
        "abstract": "abstract:abstract",
        "has code": "has_code:1",
        "organization": f"organization:{organization}",
        "category": "categories:cs.ro",
        "published": "published:[20000 TO 20600]",
    }
    found = {}
    for name, text in queries.items():
        query = index.index.parse_query(text, ["title"])
        hits = searcher.search(query, 1000).hits
        ids: list = searcher.fast_field_values("id", [address for _, address in hits])
        found[name] = sorted(ids)
    found["documents"] = [searcher.num_docs]
    return found


def test_a_large_backlog_is_applied_in_one_pass_and_equals_a_rebuild(monkeypatch):
    monkeypatch.setattr(tantivy_index, "BULK", 5)
    monkeypatch.setattr(tantivy_index, "BATCH", 2)  # batch by batch would commit five times
    org = Organization.objects.create(name="deepmind", fullname="DeepMind")
    hands = make_paper("Robot hands", categories=["cs.RO"])
    index = tantivy_index.get()
    index.catch_up()  # the index exists: what follows goes through the change log
    papers = [make_paper(f"Robot number {n}", categories=["cs.LG"]) for n in range(8)]
    make_paper("Sparse kernels", authors=["Grace Hopper"])
    Paper.objects.filter(pk=papers[0].pk).update(hidden=True, title="Hidden robot")
    Paper.objects.filter(pk=papers[1].pk).update(organization=org)
    Paper.objects.filter(pk=papers[2].pk).update(github_repo="https://github.com/a/b")
    Paper.objects.filter(pk=papers[3].pk).update(
        published_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    Paper.objects.filter(pk=papers[4].pk).delete()
    # A paper the index holds already (below its highest id): replaced, not held twice.
    Paper.objects.filter(pk=hands.pk).update(title="Robot hands, grasping")
    commits: list[tuple] = []
    # Each commit marks the index with the last change applied.
    mark = tantivy_index.KeywordIndex._mark
    monkeypatch.setattr(tantivy_index.KeywordIndex, "_mark", spy(mark, commits))

    assert index.catch_up() == 10  # ten papers written since, one of them deleted
    assert pending() == [] and len(commits) == 1  # one pass, one commit
    caught_up = answers(org.pk)
    # The hidden paper and the deleted one are out of the index.
    assert caught_up["title"] == sorted([hands.pk] + [p.pk for p in papers[1:] if p != papers[4]])
    assert papers[0].pk not in caught_up["all"]
    assert caught_up["documents"] == [8]
    assert all(caught_up.values())  # every query finds something to compare

    index.rebuild()
    assert answers(org.pk) == caught_up


def test_a_small_backlog_is_still_applied_batch_by_batch(monkeypatch):
    monkeypatch.setattr(tantivy_index, "BATCH", 2)
    make_paper("Robot hands")
    index = tantivy_index.get()
    index.catch_up()
    for n in range(5):
        make_paper(f"Robot number {n}")
    commits: list[tuple] = []
    # Each commit marks the index with the last change applied.
    mark = tantivy_index.KeywordIndex._mark
    monkeypatch.setattr(tantivy_index.KeywordIndex, "_mark", spy(mark, commits))
    assert index.catch_up() == 5
    assert len(commits) == 3 and pending() == []


def test_the_import_command_leaves_the_index_equal_to_a_rebuild(monkeypatch):
    monkeypatch.setattr(tantivy_index, "BULK", 3)
    org = Organization.objects.create(name="deepmind", fullname="DeepMind")
    make_paper("Robot hands", categories=["cs.RO"])
    tantivy_index.get().catch_up()
    call_command("import", "snapshot", str(SAMPLE), verbosity=0)
    assert pending() == []
    imported = answers(org.pk)
    assert imported["documents"] == [Paper.objects.count()] == [9]
    tantivy_index.get().rebuild()
    assert answers(org.pk) == imported


def spy(method, calls: list):
    def wrapper(self, *args, **kwargs):
        calls.append(args)
        return method(self, *args, **kwargs)

    return wrapper
