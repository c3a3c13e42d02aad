"""The PostgreSQL server of the benchmarks: DATABASE_URL's (`make bench` runs them under
scripts/with_postgres.py, so the project's private server when nothing else is set), each
benchmark on a database of its own there."""

import os
from urllib.parse import urlsplit, urlunsplit


def database_url(name: str) -> str:
    """The URL of database `name` on DATABASE_URL's server."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        raise SystemExit("DATABASE_URL is not set: run the benchmarks with `make bench`.")
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
