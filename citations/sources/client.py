"""The one HTTP client of a process, and the two limits it enforces below HTTP.

- **Shared client.** `shared_client()` is one `httpx.Client` per process (created on first
  use under a lock, again after a fork), so connections to a service are kept alive and
  reused. `httpx.Limits(max_connections=SOURCES_MAX_IN_FLIGHT)` is the bound on requests in
  flight: a request beyond it waits for a free connection.
- **Retries** are httpx-retries' `RetryTransport`: a 429, 500, 502, 503 or 504 answer, a
  timeout or a dropped keep-alive connection is asked again at most `SOURCES_RETRIES` times,
  after the `Retry-After` the server gives (seconds or an HTTP date) or else an exponential
  backoff with full jitter (`SOURCES_BACKOFF_SECONDS` x 2^attempt); each wait is capped at
  `SOURCES_MAX_RETRY_AFTER`. A refused connection is not retried: offline stays offline.
- **Deadline.** A look-up runs inside `deadline()`: every connect, socket read and write and
  every wait between retries ends when the look-up's time (`SOURCES_DEADLINE_SECONDS`) is up,
  however slowly a server drips its answer. Scopes nest: an inner one never outlasts its outer.
- **Public addresses only.** A connection goes to a *trusted host* (the host and port of a
  configured service URL, or a name in `SOURCES_ALLOWED_HOSTS`) or to an address that
  `is_public`: the name is resolved, every address checked, and the checked address is the one
  connected to (no second resolution for DNS rebinding to exploit). Loopback, private,
  link-local (cloud metadata at 169.254.169.254), shared, reserved, multicast and unspecified
  addresses are refused with `BlockedAddress`. Stand-in servers in tests are trusted because
  the settings name them as the services, nothing else.

Hand-written here, with the reason: httpx passes no network backend to httpcore, so the
address check and the deadline sit in a small `httpcore.SyncBackend` subclass given to
httpcore's `ConnectionPool` (its documented `network_backend` parameter); httpx's own
transport then runs unchanged over that pool. A per-request `timeout` alone does not bound a
drip: httpcore applies it to each read (measured: 5 bytes 1.5 s apart under `timeout=2` took
8.3 s to fail; a longer drip never does), while here a drip ends at the deadline (1.0 s for a
1 s deadline, tests/citations/test_sources_hardening.py). No maintained library does both
checks for httpx (drawbridge 0.1 is a young wrapper with a client of its own).
"""

import contextlib
import contextvars
import ipaddress
import os
import socket
import threading
import time

import httpcore
import httpx
from django.conf import settings
from httpx_retries import Retry, RetryTransport

RETRIED_STATUSES = (429, 500, 502, 503, 504)
# Not ConnectError: retrying a refused connection at once rarely helps (the caller says so).
RETRIED_ERRORS = (httpx.TimeoutException, httpx.RemoteProtocolError)
DEFAULT_PORTS = {"http": 80, "https": 443}
# Addresses `ipaddress` counts as global that still reach a cloud's instance metadata.
METADATA_ADDRESSES = {ipaddress.ip_address("fd00:ec2::254")}

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)
_client: tuple[tuple, httpx.Client] | None = None
_client_lock = threading.Lock()


class BlockedAddress(Exception):
    """A connection to a host that is not trusted and resolves to a non-public address."""

    def __init__(self, host: str):
        super().__init__(host)
        self.host = host


# --- the deadline ---------------------------------------------------------------------------


@contextlib.contextmanager
def deadline(seconds: float | None = None):
    """Run the block within `seconds` (default `SOURCES_DEADLINE_SECONDS`) of network time."""
    seconds = settings.SOURCES_DEADLINE_SECONDS if seconds is None else seconds
    end, outer = time.monotonic() + seconds, _deadline.get()
    token = _deadline.set(end if outer is None else min(end, outer))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left in the current look-up (None outside one)."""
    end = _deadline.get()
    return None if end is None else end - time.monotonic()


def _within(timeout: float | None, timed_out: type[Exception]) -> float | None:
    """`timeout` shortened to the time left; `timed_out` when none is left."""
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise timed_out("the look-up's deadline has passed")
    return left if timeout is None else min(timeout, left)


class LookupRetry(Retry):
    """httpx-retries' `Retry` whose waits end at the look-up's deadline (its `total_timeout`
    caps the waits, set here just before each one to what is left)."""

    def sleep(self, response):
        left = remaining()
        if left is not None:
            self.total_timeout = self.elapsed_sleep + max(left, 1e-3)
        super().sleep(response)


def retry() -> LookupRetry:
    return LookupRetry(
        total=settings.SOURCES_RETRIES,
        status_forcelist=RETRIED_STATUSES,
        retry_on_exceptions=RETRIED_ERRORS,
        backoff_factor=settings.SOURCES_BACKOFF_SECONDS,
        max_backoff_wait=max(settings.SOURCES_MAX_RETRY_AFTER, 1e-3),
    )


def timeout() -> httpx.Timeout:
    """Each phase within `SOURCES_TIMEOUT`; waiting for a free connection also by the deadline."""
    pool = _within(settings.SOURCES_TIMEOUT, httpx.PoolTimeout)
    return httpx.Timeout(settings.SOURCES_TIMEOUT, pool=pool)


# --- trusted hosts and public addresses -------------------------------------------------------


def origin(url: httpx.URL) -> tuple[str, str, int]:
    return (url.scheme, url.host, url.port or DEFAULT_PORTS.get(url.scheme, 0))


def service_origins() -> set[tuple[str, str, int]]:
    """The scheme, host and port of every configured service URL."""
    names = ("CROSSREF_API_URL", "NCBI_EUTILS_URL", "NCBI_IDCONV_URL", "DOI_RESOLVER_URL")
    urls = [getattr(settings, name) for name in (*names, "OPENLIBRARY_URL", "ZOTERO_API_URL")]
    return {origin(httpx.URL(url)) for url in urls}


def is_trusted(host: str, port: int) -> bool:
    """A configured service's host and port, or a host named in `SOURCES_ALLOWED_HOSTS`."""
    allowed = {name.lower() for name in settings.SOURCES_ALLOWED_HOSTS}
    services = {(h, p) for _scheme, h, p in service_origins()}
    return host.lower() in allowed or (host.lower(), port) in services


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and ip not in METADATA_ADDRESSES


def public_addresses(host: str, port: int) -> list[str]:
    """Every address of `host`; `BlockedAddress` unless all of them are public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or not all(is_public(address) for address in addresses):
        raise BlockedAddress(host)
    return addresses


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes end at the current look-up's deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self.stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        timeout = _within(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self.stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to trusted hosts or checked public addresses."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        timeout = _within(timeout, httpcore.ConnectTimeout)
        addresses = [host] if is_trusted(host, port) else public_addresses(host, port)
        for address in addresses[:-1]:
            with contextlib.suppress(httpcore.ConnectError, httpcore.ConnectTimeout):
                return self._connect(address, port, timeout, local_address, socket_options)
        return self._connect(addresses[-1], port, timeout, local_address, socket_options)

    def _connect(self, address, port, timeout, local_address, socket_options):
        stream = super().connect_tcp(address, port, timeout, local_address, socket_options)
        return DeadlineStream(stream)


# --- the shared client ------------------------------------------------------------------------


def transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's transport over an httpcore pool that connects through `GuardedBackend`."""
    guarded = httpx.HTTPTransport(limits=limits, trust_env=False)
    guarded._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(),
    )
    return guarded


def shared_client() -> httpx.Client:
    """This process's client (a new one after a fork or a change of `SOURCES_MAX_IN_FLIGHT`)."""
    global _client
    key = (os.getpid(), settings.SOURCES_MAX_IN_FLIGHT)
    with _client_lock:
        if _client is None or _client[0] != key:
            if _client is not None and _client[0][0] == key[0]:
                _client[1].close()
            limits = httpx.Limits(
                max_connections=settings.SOURCES_MAX_IN_FLIGHT,
                max_keepalive_connections=settings.SOURCES_MAX_IN_FLIGHT,
            )
            wrapped = RetryTransport(transport=transport(limits), retry=retry())
            client = httpx.Client(transport=wrapped, follow_redirects=False, trust_env=False)
            _client = (key, client)
        return _client[1]
