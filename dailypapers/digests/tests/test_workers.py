"""``digests send --workers N``: child processes share the due digests, each mailed once."""

import os
import subprocess
import sys
import textwrap

from dailypapers.digests.management.commands.digests import PARALLEL_FROM
from tests.support.processdb import database_env, fetch
from tests.support.smtp import SMTPServer

SUBSCRIBERS = PARALLEL_FROM + 20
SETUP = textwrap.dedent(
    """
    import datetime as dt, django
    django.setup()
    from django.utils import timezone
    from tests.support.testing import list_for_a_digest_due_now, make_paper
    from dailypapers.digests.models import Subscription
    now = timezone.now()
    list_for_a_digest_due_now(
        make_paper("A paper for every inbox", upstream_upvotes=9),
        make_paper("A paper for every inbox after midnight"),
    )
    Subscription.objects.bulk_create(
        Subscription(email=f"reader{{n}}@example.org", confirmed_at=now,
                     next_send_at=now - dt.timedelta(minutes=1))
        for n in range({count})
    )
    """
)


def test_workers_share_the_due_digests_and_mail_each_once(tmp_path):
    server = SMTPServer()
    server.start()
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dailypapers.settings",
            "DAILYPAPERS_DATA_DIR": str(tmp_path),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(server.port),
            **database_env(tmp_path),
        }
        command = [sys.executable, "-m", "dailypapers"]
        subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, timeout=300)
        setup = SETUP.format(count=SUBSCRIBERS)
        subprocess.run([sys.executable, "-c", setup], env=env, check=True, timeout=300)
        done = subprocess.run(
            [*command, "digests", "send", "--workers", "3"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        assert f"{SUBSCRIBERS} subscription(s) handled by 3 workers" in done.stdout
        recipients = sorted(str(message.get("To")) for message in server.messages)
        assert recipients == sorted(f"reader{n}@example.org" for n in range(SUBSCRIBERS))
        states = fetch(tmp_path, "SELECT state, count(*) FROM digests_delivery GROUP BY state")
        assert states == [("sent", SUBSCRIBERS)]
        # Nothing is due any more: a second run finds nothing, in this process alone.
        again = subprocess.run(
            [*command, "digests", "send", "--workers", "3"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.stdout.strip().endswith("0 subscription(s) handled")
    finally:
        server.stop()
