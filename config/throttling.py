"""Who a request comes from, and the API throttles that count by it.

The client's address is REMOTE_ADDR unless the app runs behind `NUM_PROXIES` proxies of
ours (DJANGO_NUM_PROXIES): then it is the address the outermost proxy saw, the
`NUM_PROXIES`-th entry of X-Forwarded-For counted from the right. Entries further left
are whatever the client wrote, so they are never trusted. One definition serves the API
throttles and the login lockout (django-axes). Counters live in the shared default cache
(the database, or Redis when REDIS_URL is set), so every worker counts against one limit.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = api_settings.NUM_PROXIES or 0
    if not proxies or not forwarded:
        return remote
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))]


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
