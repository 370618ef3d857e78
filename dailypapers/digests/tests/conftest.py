"""Fixtures of the digests tests (the SMTP server ``smtp`` is shared: tests/support/smtp.py)."""

import pytest


@pytest.fixture
def mails_on_commit(django_capture_on_commit_callbacks):
    """Mails go out after their transaction commits; this runs those callbacks in tests."""
    return django_capture_on_commit_callbacks
