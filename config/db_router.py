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
"""

from __future__ import annotations

import random
from contextvars import ContextVar

from django.conf import settings

PRIMARY = "default"
PIN_COOKIE = "ledger_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The alias this request reads from; None means the primary.
_read_alias: ContextVar[str | None] = ContextVar("ledger_read_alias", default=None)


def choose_replica(replicas, *, pinned: bool, method: str, pick=random.choice) -> str | None:
    """The replica one request reads from, or None for the primary."""
    if not replicas or pinned or method not in SAFE_METHODS:
        return None
    return pick(list(replicas))


class PrimaryReplicaRouter:
    """Routes reads to the request's replica and everything else to the primary."""

    def db_for_read(self, model, **hints):
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return _read_alias.get() or PRIMARY

    def db_for_write(self, model, **hints):
        _read_alias.set(None)  # read-your-writes for the rest of this request
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
        alias = choose_replica(
            settings.LEDGER_READ_REPLICAS,
            pinned=PIN_COOKIE in request.COOKIES,
            method=request.method,
        )
        token = _read_alias.set(alias)
        try:
            response = self.get_response(request)
        finally:
            _read_alias.reset(token)
        if response.streaming and alias:
            response.streaming_content = _reading_from(alias, response.streaming_content)
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


def _reading_from(alias: str, chunks):
    """A streamed body (an export) keeps reading from its request's replica."""
    previous = _read_alias.get()
    _read_alias.set(alias)
    try:
        yield from chunks
    finally:
        _read_alias.set(previous)
