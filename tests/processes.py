"""Run the project in a fresh interpreter, for settings that must be read at start-up, and a
scratch database for such interpreters to migrate."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
}


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python ARGS` in the project root with these environment variables added."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python("manage.py", *args, **env)


@contextmanager
def scratch_database(label: str, *, template: str = "template0") -> Iterator[str]:
    """The URL of a new database on the test server, a copy of `template` (an empty one by
    default), for fresh interpreters to use as `make run` does (one interpreter per
    command); dropped afterwards. `migrated_scratch` (tests/conftest.py) is a template
    migrated once."""
    server = settings.DATABASES["default"]
    name = f"scratch_{label}_{os.getpid()}"
    login = {"user": server["USER"], "password": server["PASSWORD"] or None}
    where = {"host": server["HOST"] or "127.0.0.1", "port": server["PORT"] or 5432}
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(template)
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **login, **where) as admin:
        admin.execute(drop)
        admin.execute(create)
        try:
            password = f":{server['PASSWORD']}" if server["PASSWORD"] else ""
            yield f"postgres://{server['USER']}{password}@{where['host']}:{where['port']}/{name}"
        finally:
            admin.execute(drop)
