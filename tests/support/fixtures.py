"""pytest fixtures for every test: the personas, logged-in clients, a fast password hasher and
open rate limits (tests that check a limit set their own ``settings.RATE_LIMITS``).

Registered once by the root ``conftest.py`` (``pytest_plugins``), so the autouse fixture below
runs for the in-package tests and ``tests/`` alike; nothing here is imported with ``*``."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support import personas


@pytest.fixture(autouse=True)
def _fast_passwords_and_no_limits(settings):
    # PBKDF2's many rounds are the point in production and only cost time in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATE_LIMITS = {}


@pytest.fixture
def alice(db):
    return personas.alice()


@pytest.fixture
def bob(db):
    return personas.bob()


@pytest.fixture
def charlie(db):
    return personas.charlie()


@pytest.fixture
def mallory(db):
    return personas.mallory()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice) -> Client:
    return logged_in(alice)


@pytest.fixture
def as_bob(bob) -> Client:
    return logged_in(bob)


@pytest.fixture
def as_charlie(charlie) -> Client:
    return logged_in(charlie)


@pytest.fixture
def as_mallory(mallory) -> Client:
    return logged_in(mallory)
