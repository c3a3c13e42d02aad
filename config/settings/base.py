"""Settings shared by every environment; every environment variable is read here.

DATABASE_URL      PostgreSQL database, required (`make run`/`make test` set it: see
                  scripts/with_postgres.py)
REDIS_URL         shared cache (throttle counters, claim pages) and the task queue (RQ) in Redis;
                  default: a database table, claim pages in each process's memory, tasks
                  as database rows
DJANGO_TASK_RETRIES times a failed task, or one whose worker died, is run again (RQ; default 2)
DJANGO_TASK_TIMEOUT_SECONDS longest a task may run before RQ stops it (default 3600)
DJANGO_METRICS_ALLOWED_NETWORKS comma-separated networks that may read /metrics (default
                  loopback)
DJANGO_METRICS_TOKEN bearer token that reads /metrics from anywhere (default: none)
PROMETHEUS_MULTIPROC_DIR prometheus-client's multiprocess mode (gunicorn): an empty directory
DJANGO_DEBUG      "1"/"true" turns debug on (default: off; `make run` turns it on)
DJANGO_SECRET_KEY required when debug is off
DJANGO_ALLOWED_HOSTS comma-separated host names
DJANGO_CSRF_TRUSTED_ORIGINS comma-separated origins (behind a proxy)
DJANGO_CONN_MAX_AGE seconds a database connection is kept (default 0)
DJANGO_STATEMENT_TIMEOUT_MS longest SQL statement of a web request, in ms (default 20000;
                  0: none); management commands and the job worker run without one
DJANGO_NUM_PROXIES how many proxies of ours stand in front of the app (default 0: none, so
                  X-Forwarded-For is never trusted)
DJANGO_TRUSTED_PROXIES comma-separated addresses or networks of our proxies (instead of a
                  count; default none)
DJANGO_SECURE_PROXY_SSL_HEADER header a trusted proxy sets to "https" on HTTPS requests,
                  e.g. "X-Forwarded-Proto" (default: none trusted)
DJANGO_API_ANON_RATE throttle rate of anonymous API traffic (default "300/minute")
DJANGO_API_FAILED_TOKEN_RATE wrong API tokens allowed per token prefix (default "10/minute")
DJANGO_API_TOKEN_DAYS days an API token lives (default 90)
DJANGO_LOGIN_FAILURE_LIMIT wrong passwords before a login is locked (default 5)
DJANGO_LOGIN_ACCOUNT_FAILURE_LIMIT wrong passwords from any addresses before the account is
                  locked everywhere and its holder e-mailed (default 20)
DJANGO_LOGIN_COOLOFF_MINUTES how long the lock lasts (default 15)
DJANGO_EMAIL_HOST, DJANGO_EMAIL_PORT, DJANGO_DEFAULT_FROM_EMAIL outgoing mail (lockout
                  notices; default localhost:25, webmaster@localhost)
DJANGO_BIBTEX_IMPORT_MAX_BYTES largest BibTeX import, API body or admin upload (default 20 MiB)
DJANGO_BIBTEX_PREVIEW_INLINE_MAX_BYTES largest file previewed in the request (default 2 MiB);
                  a larger dry run or admin preview runs as a background job
DJANGO_BIBTEX_MAX_FIELD_BYTES longest field value of an imported entry (default 8 MiB)
DJANGO_BIBTEX_MAX_EXPANSION_BYTES most text the @string macros of one file expand to (4 MiB)
LEDGER_JOB_HEARTBEAT_SECONDS, LEDGER_JOB_STALE_SECONDS how often a running import job's
                  worker says it is alive (default 5), and after how long silent it is
                  failed as stopped, retryable (default 30)
LEDGER_FOUR_EYES  "0"/"false" lets a curator publish a claim they submitted (default: on)
LEDGER_GRADE_RUBRIC rubric that grades claims, a key of evidence.rubrics.RUBRICS (default grade-3)
LEDGER_CONTACT_EMAIL contact address in the User-Agent sent to metadata services
CROSSREF_API_URL, NCBI_EUTILS_URL, NCBI_IDCONV_URL, DOI_RESOLVER_URL, OPENLIBRARY_URL,
ZOTERO_API_URL, ZOTERO_API_KEY (the Zotero Web API and its key, for import_zotero)
                  base URLs of the metadata services (default: the public services)
LEDGER_SOURCES_TIMEOUT, LEDGER_SOURCES_RETRIES, LEDGER_SOURCES_BACKOFF_SECONDS,
LEDGER_SOURCES_MAX_IN_FLIGHT, LEDGER_SOURCES_CACHE_SECONDS how those services are asked
NCBI_API_KEY      NCBI E-utilities key: PubMed is asked 10 times a second with it, 3 without
NCBI_REQUESTS_PER_SECOND a lower (or, for stand-ins, higher) pace for PubMed (default: NCBI's)
LEDGER_SEARCH_EVERY_DAYS how often `run_searches --due` re-runs a saved search (default 7)
LEDGER_SOURCES_DEADLINE_SECONDS longest one look-up may take, connect, reads, redirects and
                  retries together (default 20)
LEDGER_SOURCES_MAX_BYTES largest answer read from a service, after decompression (default 10 MiB)
LEDGER_SOURCES_ALLOWED_HOSTS comma-separated host names look-ups may reach besides the services'
                  (they may have private addresses, e.g. a mirror; default none). The hosts of
                  the five service URLs above are always allowed (tests' stand-ins among them);
                  doi.org's redirects may reach any other host over HTTPS on a public address
DJANGO_SECURE_SSL_REDIRECT config.settings.prod: redirect HTTP to HTTPS (default on)
DJANGO_HSTS_SECONDS config.settings.prod: HSTS max-age (default one year)
DATABASE_REPLICA_URLS comma-separated read replicas (default: none)
DJANGO_REPLICA_PIN_SECONDS seconds a client reads from the primary after a write (default 10)
DJANGO_REPLICA_RETRY_SECONDS seconds an unreachable replica is left out before it is tried
                  again (default 30; its readers read from the primary meanwhile)
DJANGO_REPLICA_CONNECT_TIMEOUT seconds a connection to a replica may take to open (default 2)
DJANGO_FACET_CACHE_SECONDS seconds topic counts are cached (default 60)
DJANGO_PAGE_CACHE_SECONDS seconds a rendered claim page is kept at most (default 300; 0: off)
DJANGO_DB_POOL   "1" uses psycopg's connection pool (PostgreSQL; default off)
DJANGO_PGBOUNCER "1" behind PgBouncer's transaction pooling: no server-side cursors (default off)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only"  # noqa: S105 - debug-only fallback
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "config.apps.OperationsConfig",
    "citations",
    "claims",
    "evidence",
]

MIDDLEWARE = [
    "config.health.ProbeMiddleware",  # first: probes skip host checks and the HTTPS redirect
    "config.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.db_router.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
CONN_MAX_AGE = int(os.environ.get("DJANGO_CONN_MAX_AGE", "0"))
# The request-level time budget: PostgreSQL cancels a web request's statement after this
# long, and config.middleware answers 503 with Retry-After (gunicorn.conf.py gives workers
# longer, so a slow query never ends in a killed worker). manage.py sets
# LEDGER_PROCESS=command: migrations, imports from the command line and the job worker
# (db_worker, which runs large imports and dry runs) run without it.
STATEMENT_TIMEOUT_MS = (
    0
    if os.environ.get("LEDGER_PROCESS") == "command"
    else int(os.environ.get("DJANGO_STATEMENT_TIMEOUT_MS", "20000"))
)


RANDOM_PAGE_COST = 1.1


def with_search_options(
    database: dict, *, statement_timeout_ms: int = STATEMENT_TIMEOUT_MS
) -> dict:
    """Set when the connection opens (with the statement timeout, when there is one).
    Typo-tolerant look-ups (citations.search.similar_to) match a word at least this close
    (pg_trgm's default 0.6 misses two swapped letters in a seven-letter name). Parallel
    workers only for queries that repay starting them: at the default cost (1000)
    PostgreSQL starts two for a search's page of newest matches, a
    10 ms query that then takes 20 to 40 ms on a busy machine; counting a million rows
    still gets them. Reads by key priced as what they are, the tables being in memory or
    on SSD (`RANDOM_PAGE_COST`, PostgreSQL's documented value for SSD; its default, 4,
    prices a disk seek): at 4, the people of a 200-item claim page's 500 contributors were
    found by hashing every person (8 ms at 50,000 people, a scan that grows with the table)
    rather than by 500 key look-ups (under 1 ms)."""
    options = (
        "-c pg_trgm.word_similarity_threshold=0.5 -c parallel_setup_cost=10000"
        f" -c random_page_cost={RANDOM_PAGE_COST}"
    )
    if statement_timeout_ms > 0:
        options += f" -c statement_timeout={statement_timeout_ms}"
    database.setdefault("OPTIONS", {})["options"] = options
    return database


if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. PostgreSQL is the only database: use `make run` / `make test` "
        "(they start a private PostgreSQL when DATABASE_URL is unset), run manage.py under it "
        "(`.venv/bin/python scripts/with_postgres.py .venv/bin/python manage.py ...`), or set "
        "DATABASE_URL=postgres://USER@HOST:PORT/NAME."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...).")
# Read replicas (PostgreSQL streaming replicas): pages, API reads and exports read from one of
# them; writes, and a client's reads for a few seconds after its write, use the primary
# (config/db_router.py). Without DATABASE_REPLICA_URLS everything uses `default`.
# A replica that does not answer is left out for REPLICA_RETRY_SECONDS: kept connections are
# health-checked at each request's first read, and a new one gives up after connect_timeout
# (unless the URL sets its own), so an unreachable replica costs a reader seconds, not minutes.
REPLICA_CONNECT_TIMEOUT = int(os.environ.get("DJANGO_REPLICA_CONNECT_TIMEOUT", "2"))
REPLICA_RETRY_SECONDS = int(os.environ.get("DJANGO_REPLICA_RETRY_SECONDS", "30"))
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT)
    DATABASES[f"replica{_number}"] = {
        **_replica,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
for _database in DATABASES.values():
    with_search_options(_database)
LEDGER_READ_REPLICAS = [alias for alias in DATABASES if alias != "default"]
REPLICA_PIN_SECONDS = int(os.environ.get("DJANGO_REPLICA_PIN_SECONDS", "10"))
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
# Django's own psycopg connection pool (one per process), an alternative to PgBouncer.
# A replica's pool waits REPLICA_CONNECT_TIMEOUT for a connection (not psycopg_pool's 30 s)
# before its readers turn to the primary.
if env_bool("DJANGO_DB_POOL", False):
    for _alias, _database in DATABASES.items():
        _database["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
        _pool = True if _alias == "default" else {"timeout": REPLICA_CONNECT_TIMEOUT}
        _database.setdefault("OPTIONS", {})["pool"] = _pool
# Behind PgBouncer in transaction pooling, server-side cursors (iterator()) cannot work.
if env_bool("DJANGO_PGBOUNCER", False):
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

LOGIN_URL = "admin:login"

# Login lockout (django-axes, config.lockout): after DJANGO_LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one address, that pair is refused (429) for
# DJANGO_LOGIN_COOLOFF_MINUTES, even with the right password; after
# DJANGO_LOGIN_ACCOUNT_FAILURE_LIMIT from any addresses, the username is refused everywhere
# and its holder gets an e-mail. The address is config.throttling.client_ip (proxy-aware).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
AXES_FAILURE_LIMIT = "config.lockout.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]  # order: config.lockout
AXES_CLIENT_IP_CALLABLE = "config.throttling.client_ip"
AXES_RESET_ON_SUCCESS = True
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Proxies: none is trusted unless configured. X-Forwarded-For names the client only through
# proxies of ours, by address or by count (config.throttling.client_ip); HTTPS is read
# from a proxy's header only when DJANGO_SECURE_PROXY_SSL_HEADER names it.
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "")  # addresses or networks; wins
PROXY_SSL_HEADER = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"), "https")

# HTTPS settings that config.settings.prod applies.
SSL_REDIRECT_IN_PRODUCTION = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
HSTS_SECONDS_IN_PRODUCTION = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))

# One cache shared by every worker (throttle counters): a database table that migrations
# create (citations 0003), or Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
DATABASE_CACHE_TABLE = "django_cache"
THROTTLE_COUNTER_TABLE = "throttle_counter"  # config.counters, without Redis
PAGE_CACHE = "pages"  # the alias of rendered pages
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": DATABASE_CACHE_TABLE,
            # One row per client address: past 300 (the default) a cull would reset counters.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
    # Rendered claim pages (claims.page_cache). Each is keyed on a version of what it shows,
    # so a copy is never stale wherever it is kept: by default in each process's memory (a
    # hit costs no round trip; each worker renders a page once), in Redis with REDIS_URL
    # (shared by every worker and host, one round trip a hit).
    PAGE_CACHE: (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ledger-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},  # a claim page is 20 to 200 kB
        }
    ),
}

# Content-Security-Policy (django-csp): only our own scripts, styles, images and fonts; no
# inline script or style (tests/pages/test_csp.py). Forest plots are inline SVG markup,
# which the policy allows; data: images are the icons of Swagger UI and the admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# A BibTeX import is one request body (DATA_UPLOAD_MAX_MEMORY_SIZE does not apply to it):
# 20 MiB holds some 50,000 entries; larger bodies are refused with a 413.
BIBTEX_IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_BIBTEX_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# A preview (API dry run, admin upload) of a larger file runs as a background job, like an
# import: a 19 MB dry run takes longer than a request's time budget.
BIBTEX_PREVIEW_INLINE_MAX_BYTES = int(
    os.environ.get("DJANGO_BIBTEX_PREVIEW_INLINE_MAX_BYTES", 2 * 1024 * 1024)
)
# A few hundred bytes of @string macros that double each other stand for terabytes: a value
# (counted in characters) and all the macro expansions of one file are capped, and over a cap
# the entry is refused with its line.
BIBTEX_MAX_FIELD_BYTES = int(os.environ.get("DJANGO_BIBTEX_MAX_FIELD_BYTES", 8 * 1024 * 1024))
BIBTEX_MAX_EXPANSION_BYTES = int(
    os.environ.get("DJANGO_BIBTEX_MAX_EXPANSION_BYTES", 4 * 1024 * 1024)
)

# Background jobs (the admin's BibTeX imports). With REDIS_URL they go to RQ (django-tasks-rq):
# one Redis list that workers on any machine take jobs from (`manage.py rqworker default
# --with-scheduler`); a job is retried TASK_RETRIES times when it fails or its worker dies
# (config.task_queue.RetryingQueue) and stopped after TASK_TIMEOUT_SECONDS. Without Redis they
# are rows in the database, run by `manage.py db_worker`: no other server needed. `make run`
# starts the worker that matches (the same test on REDIS_URL).
TASK_RETRIES = int(os.environ.get("DJANGO_TASK_RETRIES", "2"))
TASK_TIMEOUT_SECONDS = int(os.environ.get("DJANGO_TASK_TIMEOUT_SECONDS", "3600"))
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": TASK_TIMEOUT_SECONDS,
        "QUEUE_CLASS": "config.task_queue.RetryingQueue",
    }
}
RQ = {
    "JOB_CLASS": "django_tasks_rq.backend.Job",  # what django-tasks-rq's jobs need to run
    "WORKER_CLASS": "config.task_queue.PromptWorker",
}
RQ_SHOW_ADMIN_LINK = False
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# /metrics (config.health): readable from these networks (the client address as
# config.throttling.client_ip finds it) or with this bearer token; 404 for anyone else.
METRICS_ALLOWED_NETWORKS = env_list("DJANGO_METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
METRICS_TOKEN = os.environ.get("DJANGO_METRICS_TOKEN", "")
METRICS_MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
# A running import job's worker writes a heartbeat this often; a job silent for
# LEDGER_JOB_STALE_SECONDS lost its worker and is failed, retryable (citations.job_recovery).
LEDGER_JOB_HEARTBEAT_SECONDS = float(os.environ.get("LEDGER_JOB_HEARTBEAT_SECONDS", "5"))
LEDGER_JOB_STALE_SECONDS = float(os.environ.get("LEDGER_JOB_STALE_SECONDS", "30"))

# A new rubric is a new version: claims store the rubric that graded them (manage.py regrade).
LEDGER_GRADE_RUBRIC = os.environ.get("LEDGER_GRADE_RUBRIC", "grade-3")

# Metadata services (citations/sources/): where they are, and how politely they are asked.
LEDGER_CONTACT_EMAIL = os.environ.get("LEDGER_CONTACT_EMAIL", "")
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org")
NCBI_EUTILS_URL = os.environ.get("NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils")
# NCBI allows 3 requests a second without an API key and 10 with one (citations/sources/pace.py).
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")
# Overrides NCBI's own limit above (e.g. lower, for workers sharing one address); 0: NCBI's.
NCBI_REQUESTS_PER_SECOND = float(os.environ.get("NCBI_REQUESTS_PER_SECOND", "0"))
# How often saved searches are re-run by `run_searches --due` (evidence/living.py).
LEDGER_SEARCH_EVERY_DAYS = int(os.environ.get("LEDGER_SEARCH_EVERY_DAYS", "7"))
NCBI_IDCONV_URL = os.environ.get(
    "NCBI_IDCONV_URL", "https://www.ncbi.nlm.nih.gov/pmc/utils/idconv/v1.0/"
)
DOI_RESOLVER_URL = os.environ.get("DOI_RESOLVER_URL", "https://doi.org")
OPENLIBRARY_URL = os.environ.get("OPENLIBRARY_URL", "https://openlibrary.org")
# Zotero Web API (citations/zotero/): libraries imported by `import_zotero` and the admin.
ZOTERO_API_URL = os.environ.get("ZOTERO_API_URL", "https://api.zotero.org")
ZOTERO_API_KEY = os.environ.get("ZOTERO_API_KEY", "")
SOURCES_TIMEOUT = float(os.environ.get("LEDGER_SOURCES_TIMEOUT", "10"))
SOURCES_RETRIES = int(os.environ.get("LEDGER_SOURCES_RETRIES", "3"))
SOURCES_BACKOFF_SECONDS = float(os.environ.get("LEDGER_SOURCES_BACKOFF_SECONDS", "1"))
SOURCES_MAX_RETRY_AFTER = 60.0
SOURCES_MAX_IN_FLIGHT = int(os.environ.get("LEDGER_SOURCES_MAX_IN_FLIGHT", "4"))
SOURCES_DEADLINE_SECONDS = float(os.environ.get("LEDGER_SOURCES_DEADLINE_SECONDS", "20"))
SOURCES_MAX_BYTES = int(os.environ.get("LEDGER_SOURCES_MAX_BYTES", str(10 * 1024 * 1024)))
SOURCES_ALLOWED_HOSTS = env_list("LEDGER_SOURCES_ALLOWED_HOSTS", "")
SOURCES_MAX_REDIRECTS = 5
SOURCES_MAX_DEPTH = 64  # JSON and XML nesting; Crossref and PubMed answers nest under 10
SOURCES_CACHE_SECONDS = int(os.environ.get("LEDGER_SOURCES_CACHE_SECONDS", str(24 * 3600)))
# How long the topic counts of the home page and the claim list filters are cached.
LEDGER_FACET_CACHE_SECONDS = int(os.environ.get("DJANGO_FACET_CACHE_SECONDS", "60"))
# How long a rendered public claim page may be served from the cache (claims.page_cache).
LEDGER_PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "300"))

# Four eyes: a claim is published by a curator other than the one who submitted it. Turn it
# off only for a one-person install.
LEDGER_FOUR_EYES = env_bool("LEDGER_FOUR_EYES", True)

# API tokens (django-rest-knox, config.authentication): only a SHA-512 digest is stored, in
# claims.ApiToken (knox's token plus the time of last use); a token expires after
# DJANGO_API_TOKEN_DAYS and is sent as "Authorization: Token <key>".
KNOX_TOKEN_MODEL = "claims.ApiToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations create its AuthToken table even when swapped out: an unused table
# whose foreign key to users blocks a flush. Without them, the swapped model gets no table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=int(os.environ.get("DJANGO_API_TOKEN_DAYS", "90"))),
    "AUTH_HEADER_PREFIX": "Token",
}

# Anyone reads what is public; writes need the model permissions of the Curators group.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    # Token first: an anonymous write is then a 401 with "WWW-Authenticate: Token" (DRF takes
    # that header from the first class; session authentication has none and would give 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("DJANGO_API_ANON_RATE", "300/minute"),
        "failed_token": os.environ.get("DJANGO_API_FAILED_TOKEN_RATE", "10/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Evidence Ledger API",
    "DESCRIPTION": "Claims, references, evidence and grades; exports as BibTeX, CSL-JSON and RIS.",
    "VERSION": "1.0.0",
    # No CDN: the docs page serves Swagger UI from the drf-spectacular-sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClaimPopulationEnum": "claims.models.Population",
        "ItemPopulationEnum": "evidence.models.ItemPopulation",
        "GradeLevelEnum": "claims.models.GradeLevel",
        "StatusEnum": "claims.models.Status",
        "ImportEntryStatusEnum": "citations.importing.STATUSES",
        "MatchEnum": "evidence.models.Match",
        "ClaimCellSpeciesEnum": "claims.models.ClaimCellSpecies",
        "ItemCellSpeciesEnum": "evidence.models.ItemCellSpecies",
        "ScaleEnum": "claims.models.Scale",
    },
}
