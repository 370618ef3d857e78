"""Django's SQLite backend, but a transaction waits for the write lock by asking often.

Every transaction starts with ``BEGIN IMMEDIATE`` (``transaction_mode``), so it takes the
one write lock up front and can never fail later on upgrading a read lock. Waiting for that
lock is the question. SQLite's own busy handler retries after sleeps that grow to 100 ms, so
a request that waits behind back-to-back transactions (``import snapshot`` commits a batch
and begins the next within a few milliseconds) almost never tries in the gap: in the soak,
votes and page visits failed with "database is locked" after the whole 20-second timeout
while the import wrote. Measured with three writers behind 0.5 s transactions 5 ms apart
(timeout 3 s): SQLite's handler failed 6 of 16 tries and waited up to 3.2 s; asking every
millisecond failed none of 55 and waited at most 0.94 s, two of the other's transactions.
So ``BEGIN IMMEDIATE`` is tried with no busy wait, every millisecond, until the database's
``timeout`` has passed. Single statements outside a transaction keep SQLite's handler.
A transaction that held the lock longer than ``SLOW_WRITE_SECONDS`` is logged (a warning
naming the command and our innermost code on the way), since every other writer waited
for it. Nothing else differs from ``django.db.backends.sqlite3``; PostgreSQL queues lock
waiters itself and needs none of this.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
import traceback

from django.db.backends.sqlite3 import base

# Seconds between two tries of BEGIN: each costs microseconds, so trying often is cheap,
# and the gap between another process's transactions is a few milliseconds.
RETRY_SECONDS = 0.001
SLOW_WRITE_SECONDS = 5.0

log = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    _began: float | None = None  # when this connection's open transaction took the lock

    def _start_transaction_under_autocommit(self) -> None:
        # Set from OPTIONS by Django's wrapper (its stubs do not declare it).
        mode = getattr(self, "transaction_mode", None) or "DEFERRED"
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        deadline = time.monotonic() + timeout
        with self.wrap_database_errors:
            cursor = self.connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 0")
            try:
                while True:
                    try:
                        cursor.execute(f"BEGIN {mode}")
                        self._began = time.monotonic()
                        return
                    except sqlite3.OperationalError as error:
                        if not _is_busy(error) or time.monotonic() >= deadline:
                            raise
                    time.sleep(RETRY_SECONDS)
            finally:
                # Single statements outside a transaction wait with SQLite's handler.
                cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def _commit(self) -> None:
        super()._commit()  # type: ignore[misc]  # the stubs leave Django's hooks out
        self._held_for("committed")

    def _rollback(self) -> None:
        super()._rollback()  # type: ignore[misc]  # as above
        self._held_for("rolled back")

    def _held_for(self, ending: str) -> None:
        began: float | None = getattr(self, "_began", None)
        self._began = None
        if began is None:
            return
        held = time.monotonic() - began
        if held > SLOW_WRITE_SECONDS:
            ours = [
                frame
                for frame in traceback.extract_stack()
                if "/dailypapers/" in frame.filename and frame.filename != __file__
            ]
            where = " <- ".join(
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in ours[-4:][::-1]
            )
            log.warning(
                "a write transaction held the SQLite write lock %.1f s (%s) in %s at %s",
                held, ending, " ".join(sys.argv[1:3]), where,
            )  # fmt: skip


def _is_busy(error: Exception) -> bool:
    return "locked" in str(error) or "busy" in str(error)
