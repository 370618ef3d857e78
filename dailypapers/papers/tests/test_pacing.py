"""Request spacing is kept in the database, so it holds across processes."""

import itertools
import json
import os
import subprocess
import sys
import textwrap

import pytest

from dailypapers.papers.ingest.pacing import DatabasePacer
from dailypapers.papers.tests.upstream import FakeClock
from tests.support.processdb import database_env


@pytest.mark.django_db
def test_two_pacers_of_one_upstream_share_their_slots():
    clock = FakeClock()
    first, second = DatabasePacer("arxiv", 3.0, clock), DatabasePacer("arxiv", 3.0, clock)
    start = clock.now()
    slots = [first.reserve(), second.reserve(), first.reserve()]
    assert [(slot - start).total_seconds() for slot in slots] == [0.0, 3.0, 6.0]


@pytest.mark.django_db
def test_upstreams_are_paced_apart():
    clock = FakeClock()
    DatabasePacer("arxiv", 3.0, clock).reserve()
    assert DatabasePacer("huggingface", 1.0, clock).reserve() == clock.now()


@pytest.mark.django_db
def test_a_pacer_sleeps_until_its_slot():
    clock = FakeClock()
    pacer = DatabasePacer("arxiv", 3.0, clock)
    pacer.wait_turn()
    pacer.wait_turn()
    assert clock.sleeps == [3.0]


WORKER = textwrap.dedent(
    """
    import json, time, django
    django.setup()
    from dailypapers.papers.ingest.pacing import DatabasePacer
    pacer = DatabasePacer("arxiv", 0.4)
    turns = []
    for _ in range(3):
        slot = pacer.reserve()  # what wait_turn does, keeping the slot to report it
        time.sleep(max(0, slot.timestamp() - time.time()))
        turns.append((slot.timestamp(), time.time()))
    print(json.dumps(turns))
    """
)


def test_three_processes_never_start_requests_closer_than_the_spacing(tmp_path):
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(tmp_path), **database_env(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "dailypapers.settings"
    subprocess.run([sys.executable, "-m", "dailypapers", "migrate", "-v", "0"], env=env, check=True)
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER], env=env, stdout=subprocess.PIPE)
        for _ in range(3)
    ]
    turns = sorted(t for w in workers for t in json.loads(w.communicate(timeout=60)[0]))
    assert len(turns) == 9
    slots = [slot for slot, _ in turns]
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert min(gaps) >= 0.4 - 1e-6
    assert all(started >= slot for slot, started in turns)  # nobody went before their slot
