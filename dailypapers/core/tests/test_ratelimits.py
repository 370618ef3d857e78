"""Where rate-limit counters live (``core.ratestore``): a table every process shares on the
embedded default, the cache once a shared one is asked for; windows restart and old rows go."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from dailypapers.core import ratestore
from dailypapers.core.models import RateCounter
from dailypapers.core.ratelimits import RateLimited, hit
from tests.support import personas

pytestmark = pytest.mark.django_db


def test_on_the_default_per_process_cache_counters_are_kept_in_the_database(settings):
    settings.RATE_LIMITS = {"vote.ip": "2/m"}
    hit("vote", ip="192.0.2.1")
    hit("vote", ip="192.0.2.1")
    cache.clear()  # what another process's cache looks like: empty
    with pytest.raises(RateLimited):
        hit("vote", ip="192.0.2.1")
    [row] = RateCounter.objects.all()
    assert row.hits == 3
    assert "192.0.2.1" not in row.name  # identities are kept hashed


def test_with_a_shared_cache_the_counters_go_to_the_cache(settings):
    settings.RATE_LIMIT_STORE = "cache"
    settings.RATE_LIMITS = {"vote.ip": "1/m"}
    hit("vote", ip="192.0.2.1")
    with pytest.raises(RateLimited):
        hit("vote", ip="192.0.2.1")
    assert not RateCounter.objects.exists()


@pytest.mark.parametrize(
    ("backend", "in_database"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),  # one per process
        ("django.core.cache.backends.db.DatabaseCache", True),  # shared, incr not atomic
        ("django.core.cache.backends.filebased.FileBasedCache", True),  # the same
        ("django.core.cache.backends.redis.RedisCache", False),
        ("django.core.cache.backends.memcached.PyMemcacheCache", False),
    ],
)
def test_auto_counts_in_the_cache_only_when_it_is_shared_and_atomic(backend, in_database):
    # Only the setting is read: no cache of that kind is opened.
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": "x"}}):
        assert ratestore.uses_database() is in_database


def test_a_new_window_restarts_the_count_and_ended_windows_are_pruned():
    window = int(time.time() // 60)
    RateCounter.objects.create(name="ended", window_number=1, hits=9, expires_at=120)
    RateCounter.objects.create(
        name="active", window_number=window - 1, hits=5, expires_at=window * 60
    )
    assert ratestore.count("active", window, 60) == 1  # a new window: 5 hits forgotten
    assert ratestore.count("active", window, 60) == 2
    assert list(RateCounter.objects.values_list("name", flat=True)) == ["active"]
    assert ratestore.peek("active", window) == 2 and ratestore.peek("active", window + 1) == 0


def test_a_view_over_its_limit_answers_429_through_the_middleware(settings):
    settings.RATE_LIMITS = {"login.ip": "1/m"}
    personas.alice()
    client = Client()
    client.post("/accounts/login", {"username": "alice", "password": "x"})
    over = client.post(
        "/accounts/login", {"username": "alice", "password": "x"}, HTTP_ACCEPT="application/json"
    )
    assert over.status_code == 429 and "Try again in" in over.json()["error"]
    assert int(over["Retry-After"]) > 0
