"""Fixed-window counters, counted atomically in the store every worker shares.

A counter is a key, a window (seconds) and the hits inside it; the first hit opens the
window. `count(key, window)` adds one hit and answers (hits so far, seconds left), in one
atomic step, so N concurrent requests against a limit L let at most L through (a
read-then-write counter lets the whole burst read the same old count: 512 of 900 got
through a 300 limit). The store follows the default cache: Redis (SET NX EX, then INCR, in
one MULTI) when REDIS_URL is set; with the database cache, a row per key in
settings.THROTTLE_COUNTER_TABLE bumped by one INSERT ... ON CONFLICT DO UPDATE ... RETURNING
(the row lock serialises the bumps of one key; throttles run before a view opens any
transaction, so the lock lasts one statement); any other cache (tests' local memory), add
then incr, which that backend does under its lock.
"""

import random

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connections

CLEANUP_CHANCE = 0.002  # of a hit, deleting the rows of windows closed an hour ago

UPSERT = """
INSERT INTO {table} AS c (key, window_ends, hits)
VALUES (%s, clock_timestamp() + make_interval(secs => %s), 1)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN c.window_ends > clock_timestamp() THEN c.hits + 1 ELSE 1 END,
  window_ends = CASE WHEN c.window_ends > clock_timestamp() THEN c.window_ends
                ELSE EXCLUDED.window_ends END
RETURNING hits, EXTRACT(EPOCH FROM c.window_ends - clock_timestamp())
"""
PEEK = "SELECT hits FROM {table} WHERE key = %s AND window_ends > clock_timestamp()"
CLEANUP = "DELETE FROM {table} WHERE window_ends < clock_timestamp() - interval '1 hour'"


def count(key: str, window: int) -> tuple[int, float]:
    """One more hit on `key`: (hits in the current window, seconds until it closes)."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return _redis_count(cache, cache.make_key(key), window)
    if isinstance(cache, DatabaseCache):
        return _database_count(key, window)
    cache.add(key, 0, window)
    try:
        return cache.incr(key), float(window)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window)
        return 1, float(window)


def peek(key: str) -> int:
    """The hits on `key` in its open window (0 when none is open), adding none."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return int(cache._cache.get_client(key).get(cache.make_key(key)) or 0)
    if isinstance(cache, DatabaseCache):
        with _cursor() as cursor:
            cursor.execute(PEEK.format(table=settings.THROTTLE_COUNTER_TABLE), [key])
            row = cursor.fetchone()
        return row[0] if row else 0
    return cache.get(key, 0)


def _redis_count(cache: RedisCache, key: str, window: int) -> tuple[int, float]:
    client = cache._cache.get_client(key, write=True)
    with client.pipeline(transaction=True) as pipe:
        _, hits, ttl = pipe.set(key, 0, ex=window, nx=True).incr(key).ttl(key).execute()
    return hits, float(max(ttl, 0))


def _database_count(key: str, window: int) -> tuple[int, float]:
    table = settings.THROTTLE_COUNTER_TABLE
    with _cursor() as cursor:
        cursor.execute(UPSERT.format(table=table), [key[:255], window])
        hits, remaining = cursor.fetchone()
        if random.random() < CLEANUP_CHANCE:  # noqa: S311 (not security: when to sweep)
            cursor.execute(CLEANUP.format(table=table))
    return hits, float(remaining)


def _cursor():
    # The primary, by name: asking the router for it would pin the request's reads there.
    return connections[DEFAULT_DB_ALIAS].cursor()
