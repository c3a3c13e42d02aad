"""How far a read replica is behind, and whether it may serve a request's readers.

Two bounds keep readers off a replica that would show them a stale page
(config.db_router asks `may_serve` at a request's first read):

- Lag: a replica more than `settings.REPLICA_MAX_LAG_SECONDS` behind serves nobody. Behind
  means WAL received and not yet replayed, for as long as the oldest of it has waited; a
  standby with nothing pending is current, however old its last replayed commit (an idle
  primary writes nothing to replay).
- Takedowns: after a commit that takes something out of public view (claims.takedowns), the
  primary's WAL position is kept in the shared cache (`TAKEDOWN_KEY`, the default cache:
  Redis with REDIS_URL, else the primary's cache table). A replica that has not replayed up
  to it serves nobody, whatever its lag: a retracted or deleted claim is never shown from a
  replica that still has it.

One probe (`PROBE`) answers both: it replaces the health check of a kept connection (or
follows the opening of a new one), so it costs no round trip of its own. Its answer is kept
per process for `settings.REPLICA_LAG_CHECK_SECONDS`: a replica found lagging is not asked
again, nor read, until then; a current one is probed again only when a takedown newer than
its last replayed position is pending. The horizon itself is read by every request that
would read a replica from Redis (a GET, no SQL), or, without Redis, from the primary's cache
table once per REPLICA_LAG_CHECK_SECONDS per process (`pending_takedown`).
"""

from __future__ import annotations

import logging
import math
import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, transaction

from config.middleware import DATABASE_ERRORS

logger = logging.getLogger(__name__)

PRIMARY = "default"
TAKEDOWN_KEY = "ledger:replica-horizon"  # the WAL position replicas must have replayed
# Positions as byte offsets (numeric), NULL on a server that is not a standby.
PROBE = (
    "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn,"
    " pg_last_wal_receive_lsn() - '0/0'::pg_lsn,"
    " EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())"
)
PRIMARY_POSITION = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"


@dataclass(frozen=True)
class Standing:
    """What one probe found on a replica."""

    replayed: int | None  # WAL position replayed; None: not a standby (promoted, a mirror)
    received: int | None  # WAL position received; None: not streaming
    replay_age: float | None  # seconds since the last replayed commit was made on the primary


def lag_seconds(standing: Standing) -> float:
    """How long the oldest WAL waiting for replay has waited (an upper bound: the age of the
    last commit replayed); 0 when nothing received is waiting, inf when it cannot be told."""
    if standing.replayed is None:
        return 0.0
    if standing.received is not None and standing.replayed >= standing.received:
        return 0.0
    if standing.replay_age is None:  # WAL waiting, no commit replayed since the start
        return math.inf
    return max(standing.replay_age, 0.0)


def has_replayed(standing: Standing, horizon: int | None) -> bool:
    """Has the replica replayed up to `horizon` (a pending takedown's position)?"""
    return horizon is None or standing.replayed is None or standing.replayed >= horizon


def serves_readers(standing: Standing, *, horizon: int | None, max_lag: float) -> bool:
    """May a replica in `standing` serve a request's reads?"""
    return has_replayed(standing, horizon) and lag_seconds(standing) <= max_lag


@dataclass(frozen=True)
class Verdict:
    standing: Standing
    checked: float  # time.monotonic() of the probe


# This process's last probe of each replica, shared by its threads.
_verdicts: dict[str, Verdict] = {}


def known_standing(alias: str, *, horizon: int | None, now: float) -> Standing | None:
    """The standing probed less than REPLICA_LAG_CHECK_SECONDS ago, if it still answers for
    `horizon` (None: the replica must be probed now)."""
    verdict = _verdicts.get(alias)
    if verdict is None or now - verdict.checked >= settings.REPLICA_LAG_CHECK_SECONDS:
        return None
    standing = verdict.standing
    lagging = lag_seconds(standing) > settings.REPLICA_MAX_LAG_SECONDS
    return standing if lagging or has_replayed(standing, horizon) else None


def probe(alias: str) -> Standing | None:
    """Ask `alias` where it stands (None: unreachable). The probe is the kept connection's
    health check: Django's `SELECT 1` is skipped; a kept connection that fails it is closed
    and a new one tried once, as Django's check would."""
    connection = connections[alias]
    for attempt in (1, 2):
        kept = connection.connection is not None
        try:
            connection.ensure_connection()
            connection.health_check_done = True  # this query is the health check
            with connection.cursor() as cursor:
                cursor.execute(PROBE)
                replayed, received, age = cursor.fetchone()
        except DATABASE_ERRORS:
            with suppress(DATABASE_ERRORS):
                connection.close()
            if kept and attempt == 1:
                continue
            return None
        return Standing(
            replayed=None if replayed is None else int(replayed),
            received=None if received is None else int(received),
            replay_age=None if age is None else float(age),
        )
    return None


def remember(alias: str, standing: Standing, *, now: float) -> None:
    """Keep `standing` for this process; say when the replica starts or stops lagging."""
    previous = _verdicts.get(alias)
    _verdicts[alias] = Verdict(standing, now)
    limit = settings.REPLICA_MAX_LAG_SECONDS
    lagging = lag_seconds(standing) > limit
    was_lagging = previous is not None and lag_seconds(previous.standing) > limit
    if lagging and not was_lagging:
        logger.warning(
            "Replica %s is %.1f s behind (more than %s s): its readers read from the primary",
            alias,
            lag_seconds(standing),
            limit,
        )
    elif was_lagging and not lagging:
        logger.warning("Replica %s has caught up: its readers read from it again", alias)


# Without Redis: this process's last read of the horizon, "last": (time.monotonic(), position).
_horizon_reads: dict[str, tuple[float, int | None]] = {}


def pending_takedown(*, now: float) -> int | None:
    """The WAL position replicas must have replayed before they serve readers (None: none).

    From Redis at every call (a GET, no SQL). From the database cache (no REDIS_URL) at most
    once per REPLICA_LAG_CHECK_SECONDS per process, so a reader request costs no query on the
    primary: a takedown then reaches the readers of the other processes within that time (of
    the process that made it, at once: `record_takedown`)."""
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        return cache.get(TAKEDOWN_KEY)
    read, horizon = _horizon_reads.get("last", (-math.inf, None))
    if now - read < settings.REPLICA_LAG_CHECK_SECONDS:
        return horizon
    try:
        horizon = cache.get(TAKEDOWN_KEY)
    except DATABASE_ERRORS:  # the cache table on a primary that is gone: no takedown known
        horizon = None
    _horizon_reads["last"] = (now, horizon)
    return horizon


def hold_readers_until_replayed(using: str = PRIMARY) -> None:
    """After the current transaction commits, keep readers off replicas until they have
    replayed it (`record_takedown`). Once per transaction; nothing without replicas."""
    if not settings.LEDGER_READ_REPLICAS:
        return
    connection = connections[using]
    if any(callback is record_takedown for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(record_takedown, using=using, robust=True)


def record_takedown() -> None:
    """Raise the shared horizon to the primary's WAL position now (it covers the commit just
    made). A later takedown's position is higher; a racing lower write is corrected by the
    read-back, so the horizon only moves forward but for a window of one round trip."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute(PRIMARY_POSITION)
        position = int(cursor.fetchone()[0])
    cache = caches["default"]
    for _attempt in (1, 2):
        current = cache.get(TAKEDOWN_KEY)
        if current is not None and current >= position:
            break
        cache.set(TAKEDOWN_KEY, position, timeout=None)
    _horizon_reads["last"] = (time.monotonic(), max(position, current or 0))


def may_serve(alias: str, *, horizon: int | None, reachable) -> bool | None:
    """May `alias` serve this request's readers: True, False (lagging or behind a takedown),
    or None (unreachable). Probes it unless a recent probe answers; with a recent one, the
    replica that serves still has its connection checked (`reachable(alias)`)."""
    now = time.monotonic()
    standing = known_standing(alias, horizon=horizon, now=now)
    if standing is None:
        standing = probe(alias)
        if standing is None:
            return None
        remember(alias, standing, now=now)
        checked = True
    else:
        checked = False
    if not serves_readers(standing, horizon=horizon, max_lag=settings.REPLICA_MAX_LAG_SECONDS):
        return False
    return True if checked or reachable(alias) else None
