"""The arXiv metadata snapshot: streamed, restartable, filtered, bad lines skipped."""

import gzip
import json
import shutil

import psutil
import pytest
from django.core.management import call_command

from dailypapers.papers.ingest.snapshot_import import import_snapshot
from dailypapers.papers.models import Author, Authorship, HarvestCheckpoint, Paper, PaperVersion
from dailypapers.papers.tests.upstream import FIXTURES

pytestmark = pytest.mark.django_db
SAMPLE = FIXTURES / "arxiv" / "snapshot" / "snapshot_sample.jsonl"


@pytest.fixture
def snapshot(tmp_path):
    """The sample with a malformed line in the middle."""
    lines = SAMPLE.read_text().splitlines(keepends=True)
    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(lines[:4]) + '{"id": "broken\n' + "".join(lines[4:]))
    return path


def test_it_imports_every_good_line_and_reports_the_bad_one(snapshot):
    result = import_snapshot(snapshot)
    assert Paper.objects.count() == 8
    assert result.report.malformed == 1
    assert result.report.problems[0].line == 5
    assert PaperVersion.objects.exists()


def test_an_interrupted_import_resumes_after_its_last_stored_batch(snapshot):
    calls = []

    def stop_after_first_batch(offset):
        calls.append(offset)
        if len(calls) == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_snapshot(snapshot, batch_size=3, on_batch=stop_after_first_batch)
    assert psutil.Process().children() == []  # its reader process ended with it
    assert Paper.objects.count() == 3
    checkpoint = HarvestCheckpoint.objects.get(source="snapshot")
    assert checkpoint.position_line == 4

    result = import_snapshot(snapshot, batch_size=3)
    assert result.resumed_from_line == 4
    assert result.counts.created == 5 and result.counts.updated == 0
    assert Paper.objects.count() == 8


def test_reading_in_this_process_imports_the_same(snapshot):
    result = import_snapshot(snapshot, batch_size=3, in_child=False)
    assert (result.counts.created, result.report.malformed) == (8, 1)
    assert result.report.problems[0].line == 5
    again = import_snapshot(snapshot, restart=True, batch_size=3)
    assert again.counts.unchanged == 8 and again.report.problems == result.report.problems


def test_an_older_version_in_the_snapshot_keeps_the_newer_one(snapshot, tmp_path):
    import_snapshot(snapshot)
    paper = Paper.objects.get(arxiv_id="0704.0008")
    older = tmp_path / "older.jsonl"
    line = json.loads(SAMPLE.read_text().splitlines()[0])
    assert line["id"] == "0704.0008"
    older.write_text(
        json.dumps({**line, "title": "An older title", "versions": line["versions"][:1]}) + "\n"
    )
    Paper.objects.filter(pk=paper.pk).update(version=len(line["versions"]) + 1)
    result = import_snapshot(older)
    assert result.counts.updated == 0
    assert Paper.objects.get(pk=paper.pk).title == paper.title


def test_a_finished_import_run_again_changes_nothing(snapshot):
    import_snapshot(snapshot)
    again = import_snapshot(snapshot, restart=True)
    assert again.counts.created == again.counts.updated == 0
    assert again.counts.unchanged == 8


def test_categories_filter_the_import(snapshot):
    result = import_snapshot(snapshot, categories=["cond-mat.mtrl-sci"])
    assert result.report.filtered_out > 0
    for paper in Paper.objects.all():
        assert "cond-mat.mtrl-sci" in paper.categories


def test_the_command_reads_gzip_and_shows_counts(tmp_path, capsys):
    packed = tmp_path / "snapshot.jsonl.gz"
    with open(SAMPLE, "rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    call_command("import", "snapshot", str(packed), verbosity=0)
    assert "8 created" in capsys.readouterr().out
    assert Paper.objects.count() == 8


def test_stored_papers_merge_from_lines_read_again_or_from_a_gzip_batch(snapshot, tmp_path):
    # A plain file's batches leave their records in the file, read again for the merge
    # rules; a gzip file's batches carry them. Both merge the same way.
    lines = snapshot.read_text().splitlines(keepends=True)
    changed = json.loads(lines[6])
    newer = {
        **changed,
        "title": "A newer title",
        "versions": [
            *changed["versions"],
            {
                "version": f"v{len(changed['versions']) + 1}",
                "created": "Mon, 2 Jan 2023 00:00:00 GMT",
            },
        ],
    }
    import_snapshot(snapshot, batch_size=3)
    plain = tmp_path / "newer.jsonl"
    plain.write_text("".join(lines[:6]) + json.dumps(newer) + "\n" + "".join(lines[7:]))
    result = import_snapshot(plain, batch_size=3)
    assert (result.counts.updated, result.counts.unchanged) == (1, 7)
    assert Paper.objects.get(arxiv_id=newer["id"]).title == "A newer title"
    packed = tmp_path / "newer.jsonl.gz"
    with open(plain, "rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    again = import_snapshot(packed, batch_size=3)
    assert (again.counts.updated, again.counts.unchanged) == (0, 8)


def authors_of(arxiv_id: str) -> list[str]:
    return list(
        Authorship.objects.filter(paper__arxiv_id=arxiv_id)
        .order_by("position")
        .values_list("author__name", flat=True)
    )


@pytest.mark.django_db(transaction=True)  # the author-id cache learns on commit
def test_authors_met_in_earlier_batches_are_remembered_and_one_deleted_is_found_again(
    tmp_path,
):
    # 0704.0047 and 0704.0050, one batch each, share both authors: the second batch takes
    # their ids from the cache. One of them is deleted in between (as by hand in the admin),
    # so the cached id is gone: the batch fails on its foreign key and is stored again.
    path = tmp_path / "snapshot.jsonl"
    path.write_text(SAMPLE.read_text())
    deleted: list[int] = []

    def delete_an_author_after_0704_0047(offset):
        if not deleted and Paper.objects.filter(arxiv_id="0704.0047").exists():
            deleted.append(Author.objects.filter(name="T. Kosel").delete()[0])

    result = import_snapshot(path, batch_size=1, on_batch=delete_an_author_after_0704_0047)
    assert deleted == [2]  # the author and its one authorship
    assert (result.counts.created, result.counts.updated) == (8, 0)
    assert authors_of("0704.0050") == ["T. Kosel", "I. Grabec"]
    assert authors_of("0704.0047") == ["I. Grabec"]
    for paper in Paper.objects.exclude(arxiv_id="0704.0047"):
        assert authors_of(paper.arxiv_id) == paper.author_names
    assert HarvestCheckpoint.objects.get(source="snapshot").records_seen == 8
