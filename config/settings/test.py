"""Test settings: the suite runs on a real PostgreSQL server."""

import os

import dj_database_url

from .base import *  # noqa: F403

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/evidence_ledger")
    )
}
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
# Metadata services: tests point them at local stand-in servers; never the network.
CROSSREF_API_URL = NCBI_EUTILS_URL = NCBI_IDCONV_URL = "http://127.0.0.1:9/unset"
DOI_RESOLVER_URL = OPENLIBRARY_URL = "http://127.0.0.1:9/unset"
LEDGER_CONTACT_EMAIL = "curators@example.org"
SOURCES_TIMEOUT = 2.0
SOURCES_RETRIES = 2
SOURCES_BACKOFF_SECONDS = 0.0
SOURCES_MAX_RETRY_AFTER = 0.05
