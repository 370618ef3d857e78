"""The community fixtures (personas, logged-in clients, fast hashing) for these tests."""

from dailypapers.core.fixtures import *  # noqa: F403 (fixtures are found by name)
