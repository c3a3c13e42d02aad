"""Who a request comes from, and the API throttles that count by it.

The client's address is REMOTE_ADDR unless the app runs behind proxies of ours, named
either by address (DJANGO_TRUSTED_PROXIES: addresses or networks) or by count
(DJANGO_NUM_PROXIES). By address: a request from a trusted proxy comes from the rightmost
X-Forwarded-For entry that is not itself a trusted proxy. By count: from the
`NUM_PROXIES`-th entry counted from the right. Entries further left are whatever the
client wrote, so they are never trusted. One definition serves the API
throttles and the login lockout (django-axes). Counters live in the shared default cache
(the database, or Redis when REDIS_URL is set), so every worker counts against one limit.
"""

import ipaddress

from django.conf import settings
from rest_framework import throttling
from rest_framework.settings import api_settings


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


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Anonymous API traffic, counted per client address (setting "anon")."""

    def get_ident(self, request):
        return client_ip(request)


class FailedTokenThrottle(throttling.SimpleRateThrottle):
    """Wrong API tokens, counted per client address (setting "failed_token").

    Only failures count: `refuses(request)` says whether the limit is reached, `record()`
    counts one more failure after `refuses` has looked.
    """

    scope = "failed_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def refuses(self, request) -> bool:
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        self.history = [at for at in self.cache.get(self.key, []) if at > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record(self) -> None:
        self.throttle_success()
