"""``dailypapers export`` and ``dailypapers import instance`` move a whole instance between
databases, verified by counts and checksums.

The test's database is exported, imported into a fresh SQLite database, exported from there,
and (when the suite runs on PostgreSQL) imported into a fresh PostgreSQL database and
exported once more: every export must be the same file, byte for byte. So a run on
PostgreSQL moves an instance PostgreSQL -> SQLite -> PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from dailypapers.core.instance import InstanceError, export_instance, import_instance
from dailypapers.digests.models import Subscription
from dailypapers.discussions.models import Comment
from dailypapers.papers.models import HarvestCheckpoint, Upvote
from dailypapers.search import vectors
from tests.support.personas import alice, bob
from tests.support.processdb import database_env, fetch
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db

INDEXES = (
    "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_papervector_hnsw_%%' "
    "OR indexname = 'papers_paper_search_vector'"
)


def fill_an_instance() -> None:
    first = make_paper("Moving instances", authors=["Ada Lovelace", "Grace Hopper"])
    second = make_paper("Checksums across engines", abstract="Ünïcode and 'quotes' \\ kept.")
    list_on(first, dt.date(2026, 5, 20), organization="A Lab")
    reader, writer = alice(), bob()
    moderators = Group.objects.create(name="moderators")
    moderators.permissions.add(Permission.objects.get(codename="change_paper"))
    writer.groups.add(moderators)
    Upvote.objects.create(user=reader, paper=first)
    question = Comment.objects.create(paper=first, author=reader, body="Why?", body_html="Why?")
    Comment.objects.create(
        paper=first, author=writer, parent=question, body="Because.", body_html="Because."
    )
    Subscription.objects.create(
        email="alice@example.org",
        user=reader,
        topics=["graph neural networks"],
        confirmed_at=timezone.now().replace(microsecond=123456),
    )
    HarvestCheckpoint.objects.create(source="oai", scope="cs:arXivRaw", token="abc|123")
    vectors.save_vectors([(second.pk, np.linspace(-1, 1, 256))], "test-model")


def cli(env: dict, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "dailypapers", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def unpacked(path: Path) -> bytes:
    with gzip.open(path) as data:
        return data.read()


def move(source: Path, folder: Path, database: dict) -> Path:
    """Import ``source`` into a fresh database (``database``: its DATABASE_URL, or none for
    the SQLite file in ``folder``) and export it again from there."""
    folder.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update({"DAILYPAPERS_DATA_DIR": str(folder), **database})
    cli(env, "migrate", "-v", "0")
    assert "counts and checksums match" in cli(env, "import", "instance", str(source))
    again = folder / "again.jsonl.gz"
    cli(env, "export", str(again))
    return again


def test_an_instance_moves_between_databases_unchanged(tmp_path):
    fill_an_instance()
    exported = tmp_path / "instance.jsonl.gz"
    manifest = export_instance(exported)
    counts = {label: entry["count"] for label, entry in manifest["models"].items()}
    assert counts["papers.paper"] == 2 and counts["auth.user"] == 2
    assert counts["discussions.comment"] == 2 and counts["search.papervector"] == 1
    assert counts["digests.subscription"] == counts["papers.harvestcheckpoint"] == 1

    via_sqlite = move(exported, tmp_path / "sqlite", {})
    assert unpacked(via_sqlite) == unpacked(exported)
    if on_postgres := database_env(tmp_path / "postgres"):
        via_postgres = move(via_sqlite, tmp_path / "postgres", on_postgres)
        assert unpacked(via_postgres) == unpacked(exported)
        # The search indexes, dropped for the load, were built again at its end.
        indexes = {name for (name,) in fetch(tmp_path / "postgres", INDEXES)}
        assert indexes == {
            "papers_paper_search_vector",
            "search_papervector_hnsw_256",
            "search_papervector_hnsw_512",
        }


def test_an_import_refuses_a_database_that_is_not_empty(tmp_path):
    make_paper("Already here")
    exported = tmp_path / "instance.jsonl.gz"
    export_instance(exported)
    with pytest.raises(InstanceError, match="not empty"):
        import_instance(exported)


def test_an_import_refuses_a_file_that_is_not_an_export(tmp_path):
    wrong = tmp_path / "wrong.jsonl.gz"
    with gzip.open(wrong, "wt") as out:
        out.write(json.dumps({"format": "something else"}) + "\n")
    with pytest.raises(InstanceError, match="not an instance export"):
        import_instance(wrong)


def test_an_import_names_a_value_too_long_for_its_column(tmp_path):
    # SQLite keeps a 400-character author name; PostgreSQL would refuse it mid-import.
    export = tmp_path / "long.jsonl.gz"
    manifest = {"format": "dailypapers-instance", "version": 1, "models": {}}
    row = {"model": "papers.author", "pk": 7, "fields": {"name": "x" * 400}}
    with gzip.open(export, "wt") as out:
        out.write(json.dumps(manifest) + "\n" + json.dumps(row) + "\n")
    with pytest.raises(InstanceError, match=r"papers\.author 7: name has 400 characters"):
        import_instance(export)
