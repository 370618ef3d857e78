"""Fixtures of the library's tests: vectors that are picked up at once, and the reference
files in ``fixtures/`` (see its README). The personas and the SMTP server are shared by every
app (``tests/support/``, registered in the root ``conftest.py``)."""

from pathlib import Path

import pytest

from dailypapers.library import alerts, prepared
from dailypapers.search import vectors

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_vectors(settings):
    settings.SEARCH_VECTOR_REFRESH_SECONDS = 0
    vectors.reset()
    prepared.forget()
    alerts.forget()
    yield
    vectors.reset()
    prepared.forget()
    alerts.forget()


@pytest.fixture
def reference_file():
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
