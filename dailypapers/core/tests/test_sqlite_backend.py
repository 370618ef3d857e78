"""The SQLite backend (``core/sqlite``) says when a transaction held the write lock for long:
every other writer waited that long. (Waiting for the lock: ``tests/test_writes_wait.py``.)"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction

from dailypapers.core.sqlite import base

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's one write lock; PostgreSQL has none"
)


def test_it_logs_a_transaction_that_held_the_write_lock_long(transactional_db, monkeypatch, caplog):
    monkeypatch.setattr(base, "SLOW_WRITE_SECONDS", 0.0)
    with caplog.at_level(logging.WARNING, logger=base.__name__), transaction.atomic():
        User.objects.create(username="slowpoke")

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1, messages
    assert "held the SQLite write lock" in messages[0]
    assert "base.py" not in messages[0].split(" at ")[-1], "the backend does not name itself"


def test_it_says_nothing_of_a_short_transaction(transactional_db, caplog):
    with caplog.at_level(logging.WARNING, logger=base.__name__), transaction.atomic():
        User.objects.create(username="quick")

    assert caplog.records == []
