"""The HTTP client the metadata adapters share, and what can go wrong.

`get_json(url, params=...)` and `get_text(...)` answer a parsed body or raise a
`SourceError` whose message a curator can act on:
- `SourceUnavailable`: offline, a timeout, a 5xx, or 429 after the last retry;
- `SourceNotFound`: a 404 (e.g. a DOI the service does not hold);
- `SourceBadResponse`: a body that is not what the service promises (malformed JSON).

Politeness: every request carries `User-Agent: EvidenceLedger/<version> (mailto:<contact>)`
(`LEDGER_CONTACT_EMAIL`), at most `SOURCES_MAX_IN_FLIGHT` requests run at once in a process,
a 429 or 5xx is retried at most `SOURCES_RETRIES` times after `Retry-After` seconds when the
server says so (capped at `SOURCES_MAX_RETRY_AFTER`), else after an exponential backoff
(`SOURCES_BACKOFF_SECONDS` x 2^attempt). Successful answers are kept in Django's cache for
`SOURCES_CACHE_SECONDS`, keyed by URL, query and media type.
"""

import hashlib
import json
import threading
import time
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

VERSION = "0.1"
RETRIED_STATUSES = {429, 500, 502, 503, 504}

UNAVAILABLE = "{service} could not be reached ({reason}). Nothing was changed; try again later."
NOT_FOUND = "{service} has no record for {what}."
BAD_RESPONSE = "{service} answered with something that is not valid {kind}. Nothing was changed."
RATE_LIMITED = "rate limited (HTTP 429)"
SERVER_ERROR = "HTTP {status}"
TIMED_OUT = "timed out"
OFFLINE = "no connection"

_in_flight: threading.BoundedSemaphore | None = None
_in_flight_lock = threading.Lock()


class SourceError(Exception):
    """A metadata service could not give an answer; the message says why, for a curator."""


class SourceUnavailable(SourceError):
    pass


class SourceNotFound(SourceError):
    pass


class SourceBadResponse(SourceError):
    pass


def user_agent() -> str:
    contact = settings.LEDGER_CONTACT_EMAIL
    return f"EvidenceLedger/{VERSION}" + (f" (mailto:{contact})" if contact else "")


def get_json(url: str, *, service: str, params=None, accept="application/json", what=""):
    """The JSON body at `url` (cached once it parses); raises a `SourceError`."""

    def parse(text: str):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SourceBadResponse(BAD_RESPONSE.format(service=service, kind="JSON")) from exc

    text = get_text(url, service=service, params=params, accept=accept, what=what, check=parse)
    return parse(text)


def get_text(url: str, *, service: str, params=None, accept="*/*", what="", check=None) -> str:
    """The body at `url` as text; raises a `SourceError`. Only an answer that passes
    `check` (e.g. parses) is cached, so a garbled answer is asked for again next time."""
    key = cache_key(url, params, accept)
    cached = cache.get(key)
    if cached is not None:
        return cached
    response = _request(url, service=service, params=params, accept=accept)
    if response.status_code == 404:
        raise SourceNotFound(NOT_FOUND.format(service=service, what=what or url))
    if check is not None:
        check(response.text)
    cache.set(key, response.text, settings.SOURCES_CACHE_SECONDS)
    return response.text


def cache_key(url: str, params, accept: str) -> str:
    query = json.dumps(sorted((params or {}).items()))
    digest = hashlib.sha256(f"{url}\n{query}\n{accept}".encode()).hexdigest()
    return f"sources:{digest}"


def _request(url: str, *, service: str, params, accept: str) -> httpx.Response:
    """One GET with retries; a 2xx or 404 response, else `SourceUnavailable`."""
    headers = {"User-Agent": user_agent(), "Accept": accept}
    retries = settings.SOURCES_RETRIES
    for attempt in range(retries + 1):
        try:
            with _slot(), _client() as client:
                response = client.get(url, params=params, headers=headers)
        except httpx.TimeoutException as exc:
            reason, wait = TIMED_OUT, None
            if attempt == retries:
                raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=reason)) from exc
        except httpx.TransportError as exc:
            # Offline or refused: retrying at once rarely helps, and the caller says so.
            raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=OFFLINE)) from exc
        else:
            if response.status_code not in RETRIED_STATUSES:
                return _checked(response, service)
            reason = _reason(response.status_code)
            wait = retry_after(response.headers.get("Retry-After"))
            if attempt == retries:
                raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=reason))
        time.sleep(wait if wait is not None else backoff(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def _checked(response: httpx.Response, service: str) -> httpx.Response:
    if response.is_success or response.status_code == 404:
        return response
    reason = SERVER_ERROR.format(status=response.status_code)
    raise SourceUnavailable(UNAVAILABLE.format(service=service, reason=reason))


def _reason(status: int) -> str:
    return RATE_LIMITED if status == 429 else SERVER_ERROR.format(status=status)


def backoff(attempt: int) -> float:
    return settings.SOURCES_BACKOFF_SECONDS * 2**attempt


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            seconds = (parsedate_to_datetime(value) - timezone.now()).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, settings.SOURCES_MAX_RETRY_AFTER))


def _client() -> httpx.Client:
    return httpx.Client(timeout=settings.SOURCES_TIMEOUT, follow_redirects=True)


def _slot() -> threading.BoundedSemaphore:
    """The process-wide bound on requests in flight (created on first use, from settings)."""
    global _in_flight
    with _in_flight_lock:
        if _in_flight is None:
            _in_flight = threading.BoundedSemaphore(settings.SOURCES_MAX_IN_FLIGHT)
    return _in_flight
