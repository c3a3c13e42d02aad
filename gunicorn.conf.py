"""Gunicorn settings (`gunicorn -c gunicorn.conf.py`), read from the environment.

The worker timeout is the last line of the request-level time budget: PostgreSQL cancels a
request's statement at `DJANGO_STATEMENT_TIMEOUT_MS` (config/settings/base.py) and the app
answers 503 with Retry-After, so the worker must be given longer than that plus a margin for
the Python around it; a worker gunicorn kills drops its connection with no answer at all.

GUNICORN_BIND             address to listen on (default 0.0.0.0:8000, or :$PORT)
GUNICORN_WORKERS          worker processes (default 2 x CPUs + 1)
GUNICORN_THREADS          threads per worker (default 1)
GUNICORN_TIMEOUT_MARGIN   seconds a worker has past the statement timeout (default 10)
GUNICORN_GRACEFUL_TIMEOUT seconds a worker has to finish its requests on restart
                          (default: the worker timeout)
GUNICORN_MAX_REQUESTS     requests after which a worker is replaced (default 2000; 0: never)
"""

import multiprocessing
import os

STATEMENT_TIMEOUT_SECONDS = int(os.environ.get("DJANGO_STATEMENT_TIMEOUT_MS", "20000")) / 1000
MARGIN_SECONDS = int(os.environ.get("GUNICORN_TIMEOUT_MARGIN", "10"))

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# No statement timeout (0) still gets the default budget of gunicorn's own 30 s.
timeout = max(30, int(STATEMENT_TIMEOUT_SECONDS + MARGIN_SECONDS))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", str(timeout)))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Request line and headers are bounded; the body limit is the app's (an import's limit).
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
