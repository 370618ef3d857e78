"""Exactly once, with a real worker process killed (SIGKILL) before and after the SMTP handover.

The worker runs ``dailypapers digests send`` in a child process against a file database and the
test's SMTP server; a small wrapper kills it at the chosen point. Then a fresh worker runs, and
the test counts the mails that arrived.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.support.processdb import database_env, fetch
from tests.support.smtp import SMTPServer

SETUP = textwrap.dedent(
    """
    import datetime as dt, django
    django.setup()
    from django.utils import timezone
    from tests.support.testing import list_for_a_digest_due_now, make_paper
    from dailypapers.digests.models import Subscription
    now = timezone.now()
    list_for_a_digest_due_now(
        make_paper("A paper worth mailing", upstream_upvotes=9),
        make_paper("A paper worth mailing after midnight"),
    )
    Subscription.objects.create(email="alice@example.org", confirmed_at=now,
                                next_send_at=now - dt.timedelta(minutes=1))
    """
)
WORKER = textwrap.dedent(
    """
    import os, signal, smtplib, sys, django
    django.setup()
    from django.core.mail.backends.smtp import EmailBackend
    from django.core.management import call_command

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    if sys.argv[1] == "before":  # connected to SMTP, nothing handed over yet
        opened = EmailBackend.open
        EmailBackend.open = lambda self: (opened(self), die())
    elif sys.argv[1] == "after":  # the server accepted the mail; nothing recorded yet
        sendmail = smtplib.SMTP.sendmail
        smtplib.SMTP.sendmail = lambda self, *a, **k: (sendmail(self, *a, **k), die())
    call_command("digests", "send")
    """
)


@pytest.fixture
def site(tmp_path):
    server = SMTPServer()
    server.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
        "DAILYPAPERS_DATA_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "DIGEST_CLAIM_SECONDS": "1",
        **database_env(tmp_path),
    }
    subprocess.run([sys.executable, "-m", "dailypapers", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)
    yield env, server, tmp_path
    server.stop()


def worker(env, mode: str) -> int:
    return subprocess.run([sys.executable, "-c", WORKER, mode], env=env, timeout=120).returncode


def states(data_dir) -> list[str]:
    return [row[0] for row in fetch(data_dir, "SELECT state FROM digests_delivery")]


@pytest.mark.parametrize(
    ("crash", "state_after_crash", "mails_after_crash"),
    [("before", "prepared", 0), ("after", "sending", 1)],
)
def test_a_killed_worker_neither_loses_nor_doubles_a_digest(
    site, crash, state_after_crash, mails_after_crash
):
    env, server, database = site
    assert worker(env, crash) == -signal.SIGKILL
    assert states(database) == [state_after_crash]
    assert len(server.recorder.received) == mails_after_crash
    time.sleep(1.2)  # the dead worker's lease runs out
    assert worker(env, "normal") == 0
    assert len(server.recorder.received) == 1
    assert states(database) == ["sent"]
    [(next_send_at,)] = fetch(database, "SELECT next_send_at FROM digests_subscription")
    if isinstance(next_send_at, str):  # SQLite keeps datetimes as text
        next_send_at = dt.datetime.fromisoformat(next_send_at).replace(tzinfo=dt.UTC)
    assert next_send_at > dt.datetime.now(dt.UTC)
