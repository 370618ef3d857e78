"""Fixtures of the digests tests (the SMTP server ``smtp`` is shared: tests/support/smtp.py)."""

import pytest

from dailypapers.digests import compose, emails
from dailypapers.library import alerts


@pytest.fixture
def mails_on_commit(django_capture_on_commit_callbacks):
    """Mails go out after their transaction commits; this runs those callbacks in tests."""
    return django_capture_on_commit_callbacks


@pytest.fixture(autouse=True)
def _nothing_kept_between_tests():
    """The worker keeps topic matches, rendered bodies and a period's papers for minutes
    (compose.py, emails.py, library/alerts.py); each test's papers are its own."""
    compose.forget()
    emails.forget()
    alerts.forget()
    yield
    compose.forget()
    emails.forget()
    alerts.forget()
