"""The tantivy keyword index of a SQLite install stays in step with the papers table: through
the trigger-fed change log, across processes, after a crash, and when its folder is lost."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from dailypapers.papers.models import Organization, Paper
from dailypapers.search import keyword
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search
from dailypapers.search.keyword import keyword_search, tantivy_index
from tests.support.testing import make_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the tantivy index is SQLite's"),
]


def pending() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT paper_id FROM search_keyword_change ORDER BY seq")
        return [row[0] for row in cursor.fetchall()]


def titles(results) -> list[str]:
    return [paper.title for paper in results[0:50]]


def test_writes_are_logged_and_applied_by_the_next_search():
    keyword_search("anything")  # builds the (empty) index
    paper = make_paper("Sparse attention kernels")
    assert paper.pk in pending()
    assert titles(keyword_search("kernels")) == ["Sparse attention kernels"]
    assert pending() == []


def test_vote_and_comment_counts_do_not_touch_the_index():
    paper = make_paper("Counting votes")
    tantivy_index.get().catch_up()
    Paper.objects.filter(pk=paper.pk).update(upvote_count=5, comment_count=2)
    assert pending() == []
    Paper.objects.filter(pk=paper.pk).update(hidden=True)
    assert pending() == [paper.pk]


def test_applying_the_same_change_twice_leaves_one_document():
    # A crash between the index commit and the deletion of the log rows re-applies them.
    paper = make_paper("Idempotent indexing")
    index = tantivy_index.get()
    index.catch_up()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_keyword_change(paper_id) VALUES (%s)", [paper.pk])
        cursor.execute("INSERT INTO search_keyword_change(paper_id) VALUES (%s)", [paper.pk])
    results = keyword_search("idempotent")
    assert len(results) == 1 and titles(results) == ["Idempotent indexing"]
    assert index.searcher().num_docs == 1


def test_a_search_applies_a_bounded_share_of_a_backlog(monkeypatch):
    # A bulk import's backlog is the importing command's to apply, not a visitor's.
    monkeypatch.setattr(tantivy_index, "SEARCH_BATCH", 2)
    keyword_search("anything")
    for number in range(5):
        make_paper(f"Backlog paper {number}")
    assert len(keyword_search("backlog")) == 2
    assert len(pending()) == 3
    assert keyword.catch_up() == 3
    assert len(keyword_search("backlog")) == 5


def test_a_lost_index_folder_is_rebuilt_from_the_papers_table(settings, tmp_path):
    make_paper("Lost and found")
    assert titles(keyword_search("found")) == ["Lost and found"]
    settings.SEARCH_INDEX_DIR = tmp_path / "elsewhere"  # as if the folder were deleted
    assert pending() == []  # nothing left in the log: only a rebuild can know the paper
    assert titles(keyword_search("found")) == ["Lost and found"]
    assert (tantivy_index.directory() / "complete").exists()


def test_a_database_restored_from_an_older_backup_gets_its_index_rebuilt():
    make_paper("Kept paper")
    assert len(keyword_search("paper")) == 1
    with connection.cursor() as cursor:
        # What a backup taken now holds: the paper above, and the log's counter.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = 'search_keyword_change'")
        backup_counter = cursor.fetchone()[0]
    make_paper("Paper written after the backup")
    assert len(keyword_search("paper")) == 2
    with connection.cursor() as cursor:
        # Restore: the later paper and its log rows are gone from the database (the triggers
        # do not see a restore), and the counter is back where the backup had it.
        cursor.execute("DROP TRIGGER keyword_change_delete")
        Paper.objects.filter(title="Paper written after the backup").delete()
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = %s WHERE name = 'search_keyword_change'",
            [backup_counter],
        )
    assert not tantivy_index.get().complete
    results = keyword_search("paper")
    assert titles(results) == ["Kept paper"] and len(results) == 1


def test_a_busy_writer_leaves_the_search_on_the_last_commit_then_it_catches_up():
    make_paper("First paper")
    index = tantivy_index.get()
    index.catch_up()
    make_paper("Second paper")
    writer = index.index.writer(15_000_000, 1)  # as another process writing the index
    try:
        assert titles(keyword_search("paper")) == ["First paper"]
        with pytest.raises(CommandError, match="another process"):
            call_command("reindex")
    finally:
        del writer
    assert sorted(titles(keyword_search("paper"))) == ["First paper", "Second paper"]


def test_filters_are_answered_by_the_index():
    org = Organization.objects.create(name="deepmind", fullname="DeepMind")
    when = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    make_paper("Robot hands", published_at=when, categories=["cs.RO"])
    make_paper("Robot legs", published_at=when - dt.timedelta(days=40), categories=["cs.LG"])
    keyword_search("robot")  # indexed; the changes below go through the change log
    Paper.objects.filter(title="Robot hands").update(organization=org)
    Paper.objects.filter(title="Robot legs").update(github_repo="https://github.com/a/b")
    day = timezone.localtime(when).date()
    cases = {
        SearchFilters(since=day, until=day): ["Robot hands"],
        SearchFilters(until=day - dt.timedelta(days=1)): ["Robot legs"],
        SearchFilters(category="cs.ro"): ["Robot hands"],
        SearchFilters(organization="deepmind"): ["Robot hands"],
        SearchFilters(organization="nobody"): [],
        SearchFilters(has_code=True): ["Robot legs"],
    }
    for filters, expected in cases.items():
        assert titles(search("robot", filters)) == expected, filters


STEPS = {
    "write": "make_paper('Written in one process', arxiv_id='2601.00001')",
    "write and search": (
        "make_paper('Written in another', arxiv_id='2601.00002'); "
        "print(sorted(p.title for p in keyword_search('in')))"
    ),
    "search": "print(sorted(p.title for p in keyword_search('written')))",
}


def run_step(step: str, data_dir) -> str:
    code = (
        "import django; django.setup(); "
        "from tests.support.testing import make_paper; "
        "from dailypapers.search.keyword import keyword_search; " + STEPS[step]
    )
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(data_dir)}
    env["DJANGO_SETTINGS_MODULE"] = "dailypapers.settings"
    # The harness (tests.support) lives at the repository root, not in the installed package.
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_processes_share_the_index_through_the_database_log(tmp_path):
    # Three processes on one database and one index folder, as a site, a worker and a command.
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    migrate = [sys.executable, "-m", "dailypapers", "migrate", "-v", "0"]
    subprocess.run(migrate, env=env, check=True)
    run_step("write", tmp_path)
    # The second process builds the index, with the first one's paper, and adds its own.
    assert "Written in one process" in run_step("write and search", tmp_path)
    assert run_step("search", tmp_path).strip() == str(
        ["Written in another", "Written in one process"]
    )
