"""Where rate-limit counters are kept: a table every server process shares, or a shared cache.

``bin/serve`` starts one process per core, and Django's default local-memory cache is private
to each: counted there, every limit would be multiplied by the number of processes. So on the
embedded default the counters live in the database (``core.RateCounter``), and in the cache
only when it is one that all processes share and that counts atomically, Redis or memcached
(``RATE_LIMIT_STORE``, docs/settings.md).

``count()`` adds one hit and returns the window's total; ``peek()`` reads it without counting.
No limits or rates here: ``core.ratelimits`` decides what a count means.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

# Caches that every process shares and whose incr() is atomic there (Redis INCR, memcached
# incr). Django's local-memory cache is private to a process; its file and database caches are
# shared but increment by read-then-write, so concurrent hits would be lost.
ATOMIC_SHARED_CACHES = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)


def uses_database() -> bool:
    """True when counters go to the database: asked for, or ``auto`` without a shared cache
    that counts atomically."""
    store = settings.RATE_LIMIT_STORE
    if store == "auto":
        return settings.CACHES["default"]["BACKEND"] not in ATOMIC_SHARED_CACHES
    return store == "database"


def count(name: str, window_number: int, seconds: int) -> int:
    """Add one hit to counter ``name`` in window ``window_number`` (``seconds`` long) and
    return the hits in that window so far, this one included."""
    if uses_database():
        return _count_in_database(name, window_number, seconds)
    return _count_in_cache(name, window_number, seconds)


def peek(name: str, window_number: int) -> int:
    """The hits of counter ``name`` in window ``window_number``, without counting one."""
    if uses_database():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT hits FROM {_TABLE} WHERE name = %s AND window_number = %s",
                [name, window_number],
            )
            row = cursor.fetchone()
        return row[0] if row else 0
    return cache.get(_cache_key(name, window_number)) or 0


_TABLE = "core_ratecounter"
# One statement, atomic on both engines (SQLite >= 3.35, PostgreSQL >= 9.5): concurrent hits
# from any number of processes each get their own total, and a hit in a newer window restarts
# the row at 1 instead of adding a row per window.
_UPSERT = f"""
INSERT INTO {_TABLE} (name, window_number, hits, expires_at) VALUES (%s, %s, 1, %s)
ON CONFLICT (name) DO UPDATE SET
    hits = CASE WHEN {_TABLE}.window_number = excluded.window_number
                THEN {_TABLE}.hits + 1 ELSE 1 END,
    window_number = excluded.window_number,
    expires_at = excluded.expires_at
RETURNING hits
"""


def _count_in_database(name: str, window_number: int, seconds: int) -> int:
    now = time.time()
    expires_at = (window_number + 1) * seconds
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [name, window_number, expires_at])
        hits = cursor.fetchone()[0]
        if hits == 1:
            # A window starts: the moment to drop the rows whose windows have all ended, so
            # the table holds about one row per identity active in the longest window.
            cursor.execute(f"DELETE FROM {_TABLE} WHERE expires_at < %s", [now])
    return hits


def _cache_key(name: str, window_number: int) -> str:
    return f"rl:{name}:{window_number}"


def _count_in_cache(name: str, window_number: int, seconds: int) -> int:
    key = _cache_key(name, window_number)
    # add() then incr(): atomic on every shared cache, and a new window starts at 1.
    if cache.add(key, 1, timeout=seconds + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=seconds + 1)
        return 1
