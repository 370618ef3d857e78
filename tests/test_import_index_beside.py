"""A large snapshot import builds the keyword index in a third process while it stores
(``papers/ingest/keyword_alongside.py``), and the index it leaves holds every paper exactly
once, with the change log emptied, as if it had been built after the import. Real
processes, a real SQLite database and tantivy index (the index is SQLite's)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import tantivy

from dailypapers.search.keyword import tantivy_index
from tests.support.processdb import database_env, fetch
from tests.test_import_killed import PAPERS, write_snapshot

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the tantivy index and its change log are SQLite's",
)


def open_index(data_dir) -> tantivy.Index:
    folder = data_dir / "search" / tantivy_index.directory().name
    index = tantivy.Index(tantivy_index.SCHEMA, path=str(folder), reuse=True)
    for name, analyzer in tantivy_index.ANALYZERS.items():
        index.register_tokenizer(name, analyzer)
    index.reload()
    return index


def test_the_index_built_beside_the_import_holds_every_paper_once(tmp_path):
    data_dir = tmp_path / "site"
    data_dir.mkdir()
    snapshot = tmp_path / "snapshot.jsonl"
    write_snapshot(snapshot)
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(data_dir), **database_env(data_dir)}
    env.pop("DAILYPAPERS_SEARCH_INDEX_DIR", None)
    command = [sys.executable, "-m", "dailypapers"]
    subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    importing = [*command, "import", "snapshot", str(snapshot), "--batch-size", "200"]
    done = subprocess.run(
        [*importing, "--index-beside-after", "1000"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # The indexer did it all: its last pass, once the import told it to stop, applied what
    # was left, so the catch-up after the import found nothing.
    after = int(re.search(r"keyword index: (\d+) papers indexed", done.stdout).group(1))
    assert after == 0
    assert fetch(data_dir, "SELECT count(*) FROM search_keyword_change") == [(0,)]
    index = open_index(data_dir)
    searcher = index.searcher()
    assert searcher.num_docs == PAPERS
    hits = searcher.search(index.parse_query("robots", ["title"]), PAPERS + 10).hits
    ids = searcher.fast_field_values("id", [address for _, address in hits])
    stored = [paper_id for (paper_id,) in fetch(data_dir, "SELECT id FROM papers_paper")]
    assert sorted(ids) == sorted(stored) and len(stored) == PAPERS
