"""Many processes on one database, as a deployment beyond one machine runs: the two app server
processes of ``community_site`` take concurrent votes while three digest workers mail the due
digests, and three embed workers share the papers without vectors. Every count is exact.

The same test runs on both engines: on SQLite the workers take turns on the one write lock,
on PostgreSQL they claim rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` (``core/claims.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.support.processdb import database_env, fetch
from tests.support.smtp import SMTPServer
from tests.support.voteload import (
    fire_votes,
    logged_in_client,
    make_verified_users,
    stored_counts,
)

SUBSCRIBERS = 24
NEW_PAPERS = 90
WORKERS = 3
WITHOUT_VECTORS = (
    "SELECT count(*) FROM papers_paper p "
    "WHERE NOT EXISTS (SELECT 1 FROM search_papervector v WHERE v.paper_id = p.id)"
)

SETUP = textwrap.dedent(
    """
    import datetime as dt, django
    django.setup()
    from django.utils import timezone
    from tests.support.testing import list_for_a_digest_due_now, make_paper
    from dailypapers.digests.models import Subscription
    now = timezone.now()
    # Ids of a month the demo papers do not have: make_paper's own could be theirs.
    list_for_a_digest_due_now(
        make_paper("Many workers, one queue", arxiv_id="2611.80000", upstream_upvotes=9),
        make_paper("Many workers, after midnight", arxiv_id="2611.80001"),
    )
    for number in range({papers}):
        make_paper(f"A paper nobody has embedded yet, {{number}}", arxiv_id=f"2611.{{number:05d}}")
    Subscription.objects.bulk_create(
        Subscription(email=f"many{{number}}@example.org", confirmed_at=now,
                     next_send_at=now - dt.timedelta(minutes=1))
        for number in range({subscribers})
    )
    """
)


def run(env: dict, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dailypapers", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def mail_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def test_two_servers_and_three_workers_end_in_exact_votes_mails_and_vectors(
    community_site, mail_server
):
    data_dir = community_site.data_dir
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
        "DAILYPAPERS_DATA_DIR": str(data_dir),
        **database_env(data_dir),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail_server.port),
    }
    setup = SETUP.format(papers=NEW_PAPERS, subscribers=SUBSCRIBERS)
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, timeout=300)
    # Papers nobody else's test votes on (test_votes_concurrency has its own three).
    rows = fetch(
        data_dir, "SELECT arxiv_id FROM papers_paper WHERE hidden = %s ORDER BY id", (False,)
    )
    papers = [row[0] for row in rows[100:103]]
    missing = fetch(data_dir, WITHOUT_VECTORS)[0][0]
    assert missing >= NEW_PAPERS
    before = stored_counts(data_dir, papers)
    names = [f"many{n}" for n in range(4)]
    make_verified_users(data_dir, names)

    clients = {}
    workers: list[subprocess.Popen] = []
    try:
        for name in names:
            clients[name] = logged_in_client(community_site.base, name)
        # Workers and voters at once: three of each kind of worker, two app server processes.
        workers += [run(env, "digests", "send") for _ in range(WORKERS)]
        workers += [run(env, "embed", "--batch-size", "7") for _ in range(WORKERS)]
        votes = fire_votes(clients, papers, rounds=3, threads=12)
        outputs = [finish(worker) for worker in workers]
    finally:
        for client in clients.values():
            client.close()
        # A worker that failed leaves the others running: stop them here, not in a later
        # test's garbage collection.
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.communicate()

    assert not votes.failures
    after = stored_counts(data_dir, papers)
    for arxiv_id in papers:
        counter, upvotes = after[arxiv_id]
        assert counter == upvotes == before[arxiv_id][0] + votes.expected[arxiv_id], arxiv_id

    # Each due subscription handled by exactly one worker, and mailed exactly once.
    deliveries = fetch(
        data_dir,
        "SELECT s.email, d.state FROM digests_delivery d "
        "JOIN digests_subscription s ON s.id = d.subscription_id WHERE s.email LIKE %s",
        ("many%",),
    )
    assert sorted(email for email, _ in deliveries) == sorted(
        f"many{n}@example.org" for n in range(SUBSCRIBERS)
    )
    assert {state for _, state in deliveries} == {"sent"}
    recipients = [
        message.get("To") for message in mail_server.messages if "many" in message.get("To")
    ]
    assert sorted(recipients) == sorted(f"many{n}@example.org" for n in range(SUBSCRIBERS))

    # Each paper without a vector embedded by exactly one worker.
    embedded = [int(re.search(r"(\d+) papers embedded", o)[1]) for o in outputs[3:]]
    assert sum(embedded) == missing
    assert fetch(data_dir, WITHOUT_VECTORS) == [(0,)]
