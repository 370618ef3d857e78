"""Fixtures for every test: plain static files (no collectstatic needed), a clean cache, and
the shared harness of ``tests/support/`` registered once for the in-package tests and
``tests/`` alike.

The harness is registered here with ``pytest_plugins``, never star-imported: a star import
skips names that begin with ``_``, and the autouse ``_fast_passwords_and_no_limits`` then
silently never ran.
"""

import pytest
from django.core.cache import cache

pytest_plugins = [
    # personas (alice, bob, charlie, mallory), logged-in clients, fast hashing, no limits
    "tests.support.fixtures",
    # the scripted upstream server (``serve``) for client and ingestion tests
    "tests.support.scripted_server",
    # a real SMTP server (aiosmtpd) keeping what it receives (``smtp``)
    "tests.support.smtp",
]


@pytest.fixture(autouse=True)
def _plain_static_files_and_empty_cache(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_topic_cache():
    # Digests keep each topic's matches in a process-wide dict for a few minutes; a digest
    # composed by any test (digests, library alerts, safe links) must not see another's.
    from dailypapers.digests import compose

    compose._topic_cache.clear()
    yield
    compose._topic_cache.clear()


@pytest.fixture(autouse=True)
def _fresh_paper_cards():
    # List pages keep rendered cards per process, keyed by the rows they show; a test that
    # changes a setting a card depends on must not be shown another test's card.
    from dailypapers.papers import cards

    cards.forget()
    yield
    cards.forget()


@pytest.fixture(autouse=True)
def _fresh_for_you_cache():
    # "For you" keeps a period's candidates and readers' libraries per process (keyed by
    # stamps that a rolled-back test can repeat): no test may see another's.
    from dailypapers.library import prepared

    prepared.forget()
    yield
    prepared.forget()


@pytest.fixture(autouse=True)
def _own_keyword_index(settings, tmp_path):
    # Each test's database starts afresh (rolled back), so each gets its own keyword index
    # folder too, built from that database at its first search.
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
