import pytest

from dailypapers.digests.tests.smtp import smtp  # noqa: F401 (a fixture)


@pytest.fixture
def mails_on_commit(django_capture_on_commit_callbacks):
    """Mails go out after their transaction commits; this runs those callbacks in tests."""
    return django_capture_on_commit_callbacks
