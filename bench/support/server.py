"""The PostgreSQL server of the benchmarks: DATABASE_URL's (`make bench` runs them under
scripts/with_postgres.py, so the project's private server when nothing else is set), each
benchmark on a database of its own there."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def database_url(name: str) -> str:
    """The URL of database `name` on DATABASE_URL's server."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        raise SystemExit("DATABASE_URL is not set: run the benchmarks with `make bench`.")
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def create_database(name: str) -> str:
    """Create database `name` on DATABASE_URL's server unless it is there; its URL."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def migrate() -> None:
    """Migrate DATABASE_URL's database (a subprocess: the benchmark's own process may not have
    set Django up yet)."""
    root = Path(__file__).resolve().parents[2]
    manage = [sys.executable, str(root / "manage.py"), "migrate", "--noinput", "-v0"]
    subprocess.run(manage, check=True, cwd=root)
