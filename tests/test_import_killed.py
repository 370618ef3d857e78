"""A snapshot import killed half-way (SIGKILL, as an OOM killer or a reboot does) loses no
stored batch, leaves no reader process behind, and resumes from its checkpoint to store every
paper once. Real processes on either engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil

from tests.support.processdb import database_env, fetch

PAPERS = 6_000
BATCH = 50


def write_snapshot(path) -> None:
    with open(path, "w") as out:
        for n in range(PAPERS):
            line = {
                "id": f"2401.{n + 1:05d}",
                "authors": f"Ada Lovelace, Author {n % 97}",
                "title": f"Paper number {n} on robots",
                "abstract": f"We study robots, case {n}.",
                "categories": "cs.RO cs.LG",
                "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}],
            }
            out.write(json.dumps(line) + "\n")


def papers(data_dir) -> int:
    return fetch(data_dir, "SELECT count(*) FROM papers_paper")[0][0]


def test_a_killed_import_resumes_from_its_checkpoint_and_stores_every_paper_once(tmp_path):
    data_dir = tmp_path / "site"
    data_dir.mkdir()
    snapshot = tmp_path / "snapshot.jsonl"
    write_snapshot(snapshot)
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(data_dir), **database_env(data_dir)}
    command = [sys.executable, "-m", "dailypapers"]
    subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    importing = [*command, "import", "snapshot", str(snapshot), "-v", "0"]

    worker = subprocess.Popen(
        # The keyword indexer beside the import starts early, so that it is killed too.
        [*importing, "--batch-size", str(BATCH), "--index-beside-after", str(4 * BATCH)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while papers(data_dir) < 10 * BATCH and time.monotonic() < deadline:
        time.sleep(0.01)
    readers = psutil.Process(worker.pid).children()
    assert readers, "the lines are read in a second process"
    sqlite = "DATABASE_URL" not in database_env(data_dir)
    assert len(readers) == (2 if sqlite else 1), "on SQLite, a keyword indexer beside"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    stored = papers(data_dir)
    # Killed half-way, with whole batches only, each stored with its position.
    assert 0 < stored < PAPERS and stored % BATCH == 0
    (line,) = fetch(data_dir, "SELECT position_line FROM papers_harvestcheckpoint")[0]
    assert line == stored + 1
    # The reader (and the keyword indexer) notice their parent is gone and exit by
    # themselves.
    _, alive = psutil.wait_procs(readers, timeout=30)
    assert alive == []

    resumed = subprocess.run(importing, env=env, check=True, capture_output=True, timeout=600)
    assert b"malformed" not in resumed.stderr
    assert papers(data_dir) == PAPERS
    assert fetch(data_dir, "SELECT count(DISTINCT arxiv_id) FROM papers_paper")[0][0] == PAPERS
    assert fetch(data_dir, "SELECT count(*) FROM papers_authorship")[0][0] == 2 * PAPERS
    assert fetch(data_dir, "SELECT count(*) FROM papers_paperversion")[0][0] == PAPERS
    (finished,) = fetch(data_dir, "SELECT finished_at FROM papers_harvestcheckpoint")[0]
    assert finished is not None
    if sqlite:
        # SQLite: whatever the killed indexer had done or not, the keyword index caught up.
        assert fetch(data_dir, "SELECT count(*) FROM search_keyword_change") == [(0,)]
