"""Test settings: the suite runs on a real PostgreSQL server."""

import os

import dj_database_url

from .base import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/evidence_ledger")
    )
}
# A second alias, a test mirror of `default`, so the replica router is tested against two
# databases (tests/test_db_router.py turns replica reads on with LEDGER_READ_REPLICAS).
DATABASES["replica1"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
LEDGER_READ_REPLICAS = []
LEDGER_FACET_CACHE_SECONDS = 0  # tests change claims and read the counts at once
LEDGER_PAGE_CACHE_SECONDS = 0  # likewise pages; tests/claims/test_page_cache.py turns it on
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# Tests make many anonymous requests; the throttle test sets its own rate.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"},
}
