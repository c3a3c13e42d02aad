"""Read replicas: reads of a request go to a replica, writes and reads after a write to the primary.

`LEDGER_READ_REPLICAS` (from `DATABASE_REPLICA_URLS`) names the database aliases that serve
reads. Without replicas every query goes to `default` and this module changes nothing.

Which database a read uses:
- Outside a request (management commands, background jobs, the shell): the primary. A
  command that regrades or imports must see its own writes, and it runs rarely.
- In a request with a safe method (GET, HEAD, OPTIONS): one replica, chosen for the whole
  request, so one page reads from one consistent snapshot.
- In a request that writes (POST, PUT, PATCH, DELETE), once anything in the request has been
  routed for writing (a session save, a throttle counter), and for `REPLICA_PIN_SECONDS` after
  a write by the same client (a cookie): the primary. A curator who saves a claim and lands
  on its page sees what they saved even when the replica lags.

A replica that cannot be reached is left out, and its readers read from the primary:
- At a request's first read its replica is checked: a connection opens (as it would for
  the query), or a kept one passes Django's health check (CONN_HEALTH_CHECKS, `SELECT 1`,
  on for replicas). A replica that refuses, times out (`connect_timeout`) or fails the check
  is marked down in this process for `REPLICA_RETRY_SECONDS`, and the request reads from
  another replica or the primary: the reader gets their page, not an error.
- A replica lost in the middle of a request fails that one request (503 with Retry-After,
  config.middleware) and is marked down for the requests after it. Requests that read
  nothing (a cached page) open no replica connection at all.
"""

from __future__ import annotations

import logging
import random
import time
from contextlib import suppress
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

from config.middleware import DATABASE_ERRORS

logger = logging.getLogger(__name__)

PRIMARY = "default"
PIN_COOKIE = "ledger_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Replicas this process found unreachable: alias -> time.monotonic() until which none reads
# from them. Shared by the threads of a process; each process finds out for itself.
_down_until: dict[str, float] = {}


def choose_replica(replicas, *, pinned: bool, method: str, pick=random.choice) -> str | None:
    """The replica one request reads from, or None for the primary."""
    if not replicas or pinned or method not in SAFE_METHODS:
        return None
    return pick(list(replicas))


def live_replicas(replicas, *, down_until: dict[str, float], now: float) -> list[str]:
    """The replicas not marked down at `now`."""
    return [alias for alias in replicas if down_until.get(alias, 0.0) <= now]


def mark_down(alias: str) -> None:
    """Read from the other databases for REPLICA_RETRY_SECONDS, then try `alias` again."""
    _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning(
        "Replica %s is unreachable: its readers read elsewhere for %s s",
        alias,
        settings.REPLICA_RETRY_SECONDS,
    )
    with suppress(DATABASE_ERRORS):  # a connection to a server that is gone may fail to close
        connections[alias].close()


def reachable(alias: str) -> bool:
    """Does `alias` answer: a new connection opens, or a kept one passes the health check?"""
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DATABASE_ERRORS:
        return False
    return True


def connection_lost(alias: str) -> bool:
    """After a request: did its replica connection break (checked only after an error)?"""
    connection = connections[alias]
    return connection.errors_occurred and not connection.is_usable()


class RequestReads:
    """Where one request reads, decided at its first read: `first` if it is reachable, else
    another live replica, else the primary; the primary from its first write on."""

    def __init__(self, first: str, replicas: list[str]):
        others = [alias for alias in replicas if alias != first]
        random.shuffle(others)
        self.candidates = [first, *others]
        self.alias: str | None = None
        self.decided = False

    def database(self) -> str:
        if not self.decided:
            self.decided = True
            self.alias = self._first_reachable()
        return self.alias or PRIMARY

    def to_primary(self) -> None:
        self.decided, self.alias = True, None

    def _first_reachable(self) -> str | None:
        for alias in self.candidates:
            if reachable(alias):
                return alias
            mark_down(alias)
        return None


# How this request reads; None means from the primary.
_reads: ContextVar[RequestReads | None] = ContextVar("ledger_request_reads", default=None)


class PrimaryReplicaRouter:
    """Routes reads to the request's replica and everything else to the primary."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        reads = _reads.get()
        return reads.database() if reads is not None else PRIMARY

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.to_primary()  # read-your-writes for the rest of this request
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Chooses the request's read database and pins a client to the primary after a write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = live_replicas(
            settings.LEDGER_READ_REPLICAS, down_until=_down_until, now=time.monotonic()
        )
        wanted = choose_replica(
            replicas, pinned=PIN_COOKIE in request.COOKIES, method=request.method
        )
        reads = RequestReads(wanted, replicas) if wanted else None
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if reads is not None and response.streaming:
            response.streaming_content = _reading_with(reads, response.streaming_content)
        elif reads is not None and reads.alias and connection_lost(reads.alias):
            mark_down(reads.alias)
        if settings.LEDGER_READ_REPLICAS and request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _reading_with(reads: RequestReads, chunks):
    """A streamed body (an export) keeps reading from its request's replica."""
    previous = _reads.get()
    _reads.set(reads)
    try:
        yield from chunks
    finally:
        _reads.set(previous)
