"""Test settings: the suite runs on a real PostgreSQL server, DATABASE_URL's (`make test`
starts a private one when it is unset; base.py stops with a clear message when nothing is
configured). Reads no environment variable itself (base.py reads them all); only gives a
secret key of its own when none is set."""

import os

import dj_database_url

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-key-only")

from .base import *  # noqa: E402, F403
from .base import DATABASE_URL, PAGE_CACHE, with_search_options  # noqa: E402

# No statement timeout: on a busy test machine a bulk import's COPY may take longer than a
# web request's budget (tests/test_time_budget.py sets one on its own connection).
DATABASES = {
    "default": with_search_options(dj_database_url.parse(DATABASE_URL), statement_timeout_ms=0)
}
# A second alias, a test mirror of `default`, so the replica router is tested against two
# databases (tests/test_db_router.py turns replica reads on with LEDGER_READ_REPLICAS).
DATABASES["replica1"] = {
    **DATABASES["default"],
    "CONN_HEALTH_CHECKS": True,  # as base.py sets for replicas
    "TEST": {"MIRROR": "default"},
}
LEDGER_READ_REPLICAS = []
LEDGER_FACET_CACHE_SECONDS = 0  # tests change claims and read the counts at once
LEDGER_PAGE_CACHE_SECONDS = 0  # likewise pages; tests/claims/test_page_cache.py turns it on
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# Tests make many anonymous requests; the throttle tests set their own rates, and use the
# shared database cache (here a per-process one keeps query counts about the code tested).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "failed_token": "100000/minute"},
}
# Metadata services: tests point them at local stand-in servers; never the network.
CROSSREF_API_URL = NCBI_EUTILS_URL = NCBI_IDCONV_URL = "http://127.0.0.1:9/unset"
DOI_RESOLVER_URL = OPENLIBRARY_URL = ZOTERO_API_URL = "http://127.0.0.1:9/unset"
LEDGER_CONTACT_EMAIL = "curators@example.org"
# Stand-ins are not NCBI: tests of the pace itself set this back to 0 (NCBI's limits).
NCBI_REQUESTS_PER_SECOND = 1000.0
SOURCES_TIMEOUT = 2.0
SOURCES_RETRIES = 2
SOURCES_BACKOFF_SECONDS = 0.0
SOURCES_MAX_RETRY_AFTER = 0.05
SOURCES_DEADLINE_SECONDS = 5.0
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # As deployed (base.py): room for pages and their fragments (claims/templatetags/fragments.py).
    PAGE_CACHE: {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# Background jobs run at once, in the request that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
