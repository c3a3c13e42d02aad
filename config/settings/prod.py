"""Production settings: debug off, HTTPS only, hardened cookies.

Needs DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL). Reads no
environment variable itself (base.py reads them all); only says debug is off by default.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")

from .base import *  # noqa: E402, F403
from .base import HSTS_SECONDS_IN_PRODUCTION, SSL_REDIRECT_IN_PRODUCTION  # noqa: E402

# Behind a TLS-terminating proxy, set DJANGO_SECURE_PROXY_SSL_HEADER (base.py) so that
# HTTPS requests are recognised, or the redirect would loop.
SECURE_SSL_REDIRECT = SSL_REDIRECT_IN_PRODUCTION
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = HSTS_SECONDS_IN_PRODUCTION
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
