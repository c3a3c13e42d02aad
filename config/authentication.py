"""API token authentication: hashed tokens (django-rest-knox), their last use, and
failures throttled per token prefix.

Why knox: it is maintained, stores only a SHA-512 digest of each key (a key is 256 random
bits, so a fast unsalted hash is enough: nothing to brute-force), finds the row by the key's
first 15 characters (`token_key`) and compares digests in constant time, and gives tokens an
expiry. Our token model (settings.KNOX_TOKEN_MODEL) adds `last_used`. A copy of the token
table cannot authenticate: it holds digests, not keys.

Failures: DRF authenticates before it throttles, so a wrong token would be answered 401 at
any rate. Here each wrong token counts against its *prefix* (the part knox looks rows up
by), and past the "failed_token" rate that prefix is answered 429 until it cools. Counting
per prefix, not per address, means wrong tokens sent by a neighbour behind the same address
never lock out a right one; guessing a whole key is hopeless at any rate.
"""

import re

from django.utils import timezone
from knox import auth
from knox.settings import CONSTANTS
from rest_framework import exceptions

from config.throttling import FailedTokenThrottle

# Keys are hexadecimal: knox's 64 characters, or the 40 of a token made before knox.
KEY = re.compile(r"[0-9a-f]{16,128}")
MALFORMED = "malformed"  # the one prefix every malformed key counts against
LAST_USED_STEP = 60  # seconds: last_used is written at most once a minute per token


def key_prefix(key: str) -> str:
    return key[: CONSTANTS.TOKEN_KEY_LENGTH] if KEY.fullmatch(key) else MALFORMED


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        key = token.decode("latin-1")
        throttle = FailedTokenThrottle(key_prefix(key))
        if throttle.refuses():
            raise exceptions.Throttled(throttle.wait())
        try:
            if key_prefix(key) == MALFORMED:
                raise exceptions.AuthenticationFailed("Invalid token.")
            user, auth_token = super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed:
            throttle.record()
            raise
        mark_used(auth_token)
        return user, auth_token


def mark_used(auth_token) -> None:
    now = timezone.now()
    last = auth_token.last_used
    if last is None or (now - last).total_seconds() >= LAST_USED_STEP:
        type(auth_token).objects.filter(pk=auth_token.pk).update(last_used=now)
        auth_token.last_used = now
