"""Throttles count atomically: N requests at once against a limit L let exactly L through
(a read-then-write counter let 512-540 of 900 through a 300 limit)."""

import uuid

import pytest
from django.test import RequestFactory

from config import counters
from config.settings import base
from config.throttling import AnonRateThrottle
from tests.concurrency import run_together

THREADS, EACH, LIMIT = 16, 50, 300  # 800 requests at concurrency 16

BACKENDS = {
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": base.DATABASE_CACHE_TABLE,
    },
    "redis": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",  # the server is shared
    },
}


@pytest.fixture(params=list(BACKENDS))
def shared_store(request, settings):
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(BACKENDS["redis"]["LOCATION"]).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {**settings.CACHES, "default": BACKENDS[request.param]}
    return request.param  # never clear(): that flushes a Redis database others use


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_each_counted_once(shared_store):
    key, seen = f"concurrency-{uuid.uuid4().hex}", []

    def hit_many():
        seen.extend(counters.count(key, 60)[0] for _ in range(EACH))

    assert run_together(*[hit_many] * THREADS) == []
    assert sorted(seen) == list(range(1, THREADS * EACH + 1))
    assert counters.peek(key) == THREADS * EACH


@pytest.mark.django_db(transaction=True)
def test_a_limit_of_300_admits_300_of_800_concurrent_requests(shared_store, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", f"{LIMIT}/minute", raising=False)
    address = f"198.51.100.{uuid.uuid4().int % 250}"
    request = RequestFactory().get("/api/claims/", REMOTE_ADDR=address)
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    admitted = []

    def requests():
        admitted.extend(AnonRateThrottle().allow_request(request, None) for _ in range(EACH))

    assert run_together(*[requests] * THREADS) == []
    assert admitted.count(True) == LIMIT
    assert admitted.count(False) == THREADS * EACH - LIMIT
