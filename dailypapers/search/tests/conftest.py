"""Search test fixtures: each test sees the vectors it stored, never another test's."""

import pytest

from dailypapers.search import vectors


@pytest.fixture(autouse=True)
def _fresh_vector_index(settings):
    settings.SEARCH_VECTOR_REFRESH_SECONDS = 0
    vectors.reset()
    yield
    vectors.reset()
