"""A re-embed to a new model killed half-way (SIGKILL, as an OOM killer or a reboot does)
loses at most one batch, resumes where it stopped, and the old model serves searches in
other processes throughout; then the new model serves. Real processes on either engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from dailypapers.search.tests.toy_models import toy_model
from tests.support.processdb import database_env, fetch

PAPERS = 3_000
BATCH = 2
SETUP = textwrap.dedent(
    f"""
    import django
    django.setup()
    from dailypapers.papers.writing import save_papers
    from dailypapers.sources.records import PaperRecord
    topics = ["Car engines", "Protein folding", "Galaxy clusters"]
    save_papers([
        PaperRecord(arxiv_id=f"2605.{{n:05d}}", title=f"{{topics[n % 3]}} {{n}}",
                    abstract="Fixing vehicles." if n % 3 == 0 else "Dark matter.")
        for n in range({PAPERS})
    ])
    """
)
SEARCH = textwrap.dedent(
    """
    import json, django
    django.setup()
    from dailypapers.search.hybrid import search
    results = search("automobile")
    print(json.dumps({"model": results.vector_index.model,
                      "first": results[0].title if results.total else None}))
    """
)


def count(data_dir, model: str) -> int:
    return fetch(data_dir, "SELECT count(*) FROM search_papervector WHERE model = %s", (model,))[0][
        0
    ]


def states(data_dir) -> dict[str, str]:
    return dict(fetch(data_dir, "SELECT name, state FROM search_embeddingmodel"))


def test_a_killed_reembed_resumes_and_the_old_model_serves_until_the_switch(tmp_path):
    data_dir = tmp_path / "site"
    data_dir.mkdir()
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
        "DAILYPAPERS_DATA_DIR": str(data_dir),
        **database_env(data_dir),
    }
    old = {**base, "DAILYPAPERS_EMBEDDING_MODEL": str(toy_model(tmp_path / "old", "toy-old"))}
    new = {
        **base,
        "DAILYPAPERS_EMBEDDING_MODEL": str(toy_model(tmp_path / "new", "toy-new", sign=-1.0)),
    }
    command = [sys.executable, "-m", "dailypapers"]
    subprocess.run([*command, "migrate", "-v", "0"], env=old, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", SETUP], env=old, check=True, timeout=300)
    subprocess.run([*command, "embed", "-v", "0"], env=old, check=True, timeout=300)
    assert count(data_dir, "toy-old") == PAPERS

    worker = subprocess.Popen(
        [*command, "embed", "--batch-size", str(BATCH), "-v", "0"],
        env=new,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while count(data_dir, "toy-new") < 50 * BATCH and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    stored = count(data_dir, "toy-new")
    # Killed half-way, with whole batches only: each is its own transaction.
    assert 0 < stored < PAPERS and stored % BATCH == 0
    assert states(data_dir) == {"toy-old": "active", "toy-new": "building"}
    # Another process (a web server, whatever its own setting) searches by the old model.
    for env in (old, new):
        answer = subprocess.run(
            [sys.executable, "-c", SEARCH], env=env, check=True, capture_output=True, text=True
        )
        found = json.loads(answer.stdout)
        assert found["model"] == "toy-old" and found["first"].startswith("Car engines")

    subprocess.run([*command, "embed", "--batch-size", "500", "-v", "0"], env=new, check=True)
    assert count(data_dir, "toy-new") == PAPERS
    assert states(data_dir) == {"toy-old": "retired", "toy-new": "active"}
    answer = subprocess.run(
        [sys.executable, "-c", SEARCH], env=old, check=True, capture_output=True, text=True
    )
    found = json.loads(answer.stdout)
    assert found["model"] == "toy-new" and found["first"].startswith("Car engines")
