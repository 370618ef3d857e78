"""A bulk import's new papers (``papers/ingest/new_papers.py``): rows prepared apart from the
database are stored exactly as ``save_papers`` stores them, the keyword change log notes each
one, and a batch that fails leaves nothing behind, the change-log trigger included."""

import json
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from dailypapers.papers.ingest import new_papers
from dailypapers.papers.models import Authorship, Paper, PaperVersion
from dailypapers.papers.tests.upstream import FIXTURES
from dailypapers.papers.writing import save_papers
from dailypapers.sources.arxiv.snapshot import SnapshotPosition, SnapshotReport, read_snapshot

pytestmark = pytest.mark.django_db
SAMPLE = FIXTURES / "arxiv" / "snapshot" / "snapshot_sample.jsonl"
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the keyword change log and its triggers are SQLite's"
)


def records() -> list:
    read = read_snapshot(Path(SAMPLE), start_at=SnapshotPosition(1, 0), report=SnapshotReport())
    return [entry.paper for entry in read]


def stored() -> dict:
    """Every stored value of the papers, their authors and versions, by arXiv id, as the
    database returns it (JSON as its text on SQLite)."""
    columns = [
        f.attname
        for f in Paper._meta.concrete_fields
        if f.name not in ("id", "created", "modified")
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM papers_paper ORDER BY arxiv_id")
        papers = {row[columns.index("arxiv_id")]: row for row in cursor.fetchall()}
    authors = sorted(Authorship.objects.values_list("paper__arxiv_id", "position", "author__name"))
    versions = sorted(PaperVersion.objects.values_list("paper__arxiv_id", "number", "submitted_at"))
    return {"papers": papers, "authors": authors, "versions": versions}


def test_prepared_rows_store_what_save_papers_stores():
    with transaction.atomic():
        counts = new_papers.store(new_papers.prepare(records()))
    assert counts.created == 8
    bulk = stored()
    Paper.objects.all().delete()
    save_papers(records())
    assert stored() == bulk
    assert len(bulk["papers"]) == 8 and bulk["authors"] and bulk["versions"]


def test_papers_stored_already_go_through_the_merge_rules():
    first, *rest = records()
    save_papers([first])
    with transaction.atomic():
        counts = new_papers.store(new_papers.prepare([first, *rest]))
    assert (counts.created, counts.unchanged) == (7, 1)
    assert Paper.objects.count() == 8


def change_log() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT paper_id FROM search_keyword_change ORDER BY paper_id")
        return [paper_id for (paper_id,) in cursor.fetchall()]


def insert_trigger() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [new_papers.INSERT_TRIGGER],
        )
        return cursor.fetchall()


@sqlite_only
def test_each_new_paper_is_logged_once_and_the_trigger_is_back():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_keyword_change")
    with transaction.atomic():
        new_papers.store(new_papers.prepare(records()))
    assert change_log() == sorted(Paper.objects.values_list("id", flat=True))
    assert insert_trigger() == [(new_papers.INSERT_TRIGGER,)]


@sqlite_only
def test_a_batch_that_fails_while_the_trigger_is_gone_leaves_no_paper_and_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_keyword_change")
    prepared = new_papers.prepare(records())
    # The last row breaks a NOT NULL constraint: the INSERT fails with the trigger dropped.
    title = [f.name for f in new_papers.FIELDS].index("title")
    arxiv_id, row, authors, versions = prepared.rows[-1]
    prepared.rows[-1] = (arxiv_id, (*row[:title], None, *row[title + 1 :]), authors, versions)
    with pytest.raises(IntegrityError), transaction.atomic():
        new_papers.store(prepared)
    assert Paper.objects.count() == 0 and change_log() == []
    assert insert_trigger() == [(new_papers.INSERT_TRIGGER,)]


def test_json_text_is_what_json_dumps_writes():
    from django.core.serializers.json import DjangoJSONEncoder

    values = [
        [],
        ["cs.CL", "cs.AI"],
        ["Zoë Ünal", 'a "quoted" name', "back\\slash", "tab\there", "\u2028", "😀"],
        [1, "mixed"],
        {"not": "a list"},
    ]
    for value in values:
        assert new_papers._json_text(value, DjangoJSONEncoder) == json.dumps(
            value, cls=DjangoJSONEncoder
        )
    assert new_papers._json_text(None, DjangoJSONEncoder) is None


def test_rows_inserted_in_one_statement_keep_their_types_and_skip_conflicts():
    # _insert_many: SQLite inserts the rows from one JSON text; an int stays an INTEGER, a
    # string TEXT, None NULL; a row hitting the unique columns is skipped.
    from dailypapers.papers.models import Author

    Author.objects.create(name="Ada")
    rows = [("Ada",), ("Grace",), ('Édith 漢字 "q" \\',), ("Grace",)]
    with connection.cursor() as cursor:
        new_papers._insert_many(cursor, "papers_author", ["name"], rows, "name")
        new_papers._insert_many(cursor, "papers_author", ["name"], [], "name")
    names = sorted(Author.objects.values_list("name", flat=True))
    assert names == sorted(["Ada", "Grace", 'Édith 漢字 "q" \\'])
    paper = Paper.objects.create(arxiv_id="2501.00001", title="T")
    with connection.cursor() as cursor:
        new_papers._insert_many(
            cursor,
            "papers_paperversion",
            ["paper_id", "number", "submitted_at"],
            [(paper.pk, 1, "2025-01-02 03:04:05"), (paper.pk, 2, None), (paper.pk, 1, None)],
            "paper_id, number",
        )
    versions = paper.versions.order_by("number").values_list("number", "submitted_at")
    assert [(n, at and at.isoformat()) for n, at in versions] == [
        (1, "2025-01-02T03:04:05+00:00"),
        (2, None),
    ]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT typeof(paper_id), typeof(number), typeof(submitted_at) "
                "FROM papers_paperversion ORDER BY number"
            )
            assert cursor.fetchall() == [
                ("integer", "integer", "text"),
                ("integer", "integer", "null"),
            ]
