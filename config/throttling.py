"""Who a request comes from, and the API throttles that count by it.

The client's address is REMOTE_ADDR unless the app runs behind proxies of ours, named
either by address (DJANGO_TRUSTED_PROXIES: addresses or networks) or by count
(DJANGO_NUM_PROXIES). By address: a request from a trusted proxy comes from the rightmost
X-Forwarded-For entry that is not itself a trusted proxy. By count: from the
`NUM_PROXIES`-th entry counted from the right. Entries further left are whatever the
client wrote, so they are never trusted. One definition serves the API
throttles and the login lockout (django-axes). Counters (config.counters) live in the
shared store (the database, or Redis when REDIS_URL is set), so every worker counts
against one limit, atomically.
"""

import ipaddress

from django.conf import settings
from rest_framework import throttling
from rest_framework.settings import api_settings

from config import counters


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if settings.TRUSTED_PROXIES:
        return first_untrusted([*addresses, remote], settings.TRUSTED_PROXIES)
    proxies = api_settings.NUM_PROXIES or 0
    if not proxies or not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


def first_untrusted(chain: list[str], trusted: list[str]) -> str:
    """Walking from the right (the nearest hop), the first address that is not a trusted
    proxy; the leftmost when all are."""
    networks = [ipaddress.ip_network(network, strict=False) for network in trusted]
    for address in reversed(chain):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address  # not an address: nothing a proxy of ours would write
        if not any(ip in network for network in networks):
            return address
    return chain[0]


class AtomicRateThrottle(throttling.SimpleRateThrottle):
    """DRF's rate throttle counted by config.counters: one atomic step per request, so a
    limit of N admits at most N in a window however many requests arrive at once."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        hits, self.remaining = counters.count(self.key, self.duration)
        return hits <= self.num_requests

    def wait(self):
        return self.remaining


class AnonRateThrottle(AtomicRateThrottle, throttling.AnonRateThrottle):
    """Anonymous API traffic, counted per client address (setting "anon")."""

    def get_ident(self, request):
        return client_ip(request)


class FailedTokenThrottle(throttling.SimpleRateThrottle):
    """Wrong API tokens, counted per token prefix (setting "failed_token";
    config.authentication says why the prefix).

    Only failures count: `refuses()` says whether the prefix's limit is reached, `record()`
    counts one more failure.
    """

    scope = "failed_token"

    def __init__(self, prefix: str):
        super().__init__()
        self.key = self.cache_format % {"scope": self.scope, "ident": prefix}
        self.remaining = float(self.duration or 0)

    def refuses(self) -> bool:
        return self.rate is not None and counters.peek(self.key) >= self.num_requests

    def record(self) -> None:
        if self.rate is not None:
            _, self.remaining = counters.count(self.key, self.duration)

    def wait(self):
        return self.remaining
