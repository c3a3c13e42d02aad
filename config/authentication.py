"""API token authentication whose failures are throttled (per client address).

DRF authenticates before it throttles, so a wrong token would be answered 401 at any
rate: guessing tokens would cost nothing. Here each wrong token counts, and past the
"failed_token" rate every token attempt from that address is answered 429 until it cools.
"""

from rest_framework import authentication, exceptions

from config.throttling import FailedTokenThrottle


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        if not authentication.get_authorization_header(request):
            return None
        throttle = FailedTokenThrottle()
        if throttle.refuses(request):
            raise exceptions.Throttled(throttle.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record()
            raise
