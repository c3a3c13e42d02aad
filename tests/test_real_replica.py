"""A real streaming replica: the app under gunicorn, reading from a PostgreSQL standby that lags.

The test makes its own primary and standby (tests/postgres_cluster.py: initdb, migrate,
pg_basebackup -R), serves the app with DATABASE_URL on the primary and DATABASE_REPLICA_URLS
on the standby from two gunicorn servers (one keeping its connections, one on psycopg's
pool), and talks to them over HTTP. Replay lag is injected by pausing the standby's replay
(pg_wal_replay_pause): while paused, what the primary commits is not on the replica; a
fixed delay (recovery_min_apply_delay) would make the same points, but by the clock.

- A curator who writes reads the write back at once (the pin cookie sends their reads to the
  primary); the same curator without the cookie reads the replica and does not see it yet.
- Anonymous readers read the replica (a claim published on the primary stays hidden from
  them until the standby replays its publication) and never see a draft, though the draft's
  row is on the replica.
- When the standby stops (pg_ctl stop -m immediate), every reader request of either server
  still answers 200: config.db_router finds the replica unreachable, marks it down and reads
  from the primary.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from config.db_router import PIN_COOKIE
from scripts.with_postgres import free_port
from tests.postgres_cluster import Cluster, give_to_server_user
from tests.processes import ROOT, run_manage

pytestmark = pytest.mark.slow  # two clusters, migrate, two gunicorns: about 15 s of CPU

DATABASE = "ledger"
READER_APP = "ledger-replica-reader"  # the app's application_name on the replica
RETRY_SECONDS = 1  # DJANGO_REPLICA_RETRY_SECONDS of the app under test
# Migrations, then two curators with API tokens, a published claim and a reference, in one
# interpreter (each start of Django costs a second or two).
SETUP = """
import json
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from claims.services import curator_token_create
from tests.factories import CuratorFactory, EvidenceFactory, ReferenceFactory
writer, reviewer = CuratorFactory(username="writer"), CuratorFactory(username="reviewer")
published = EvidenceFactory(claim__statement="Oestrogen keeps bone in published mice.").claim
reference = ReferenceFactory(citekey="replica2024bone")
print(json.dumps({
    "writer": curator_token_create(user=writer),
    "reviewer": curator_token_create(user=reviewer),
    "published": published.slug,
}))
"""
DRAFT = {"statement": "Progesterone builds bone in draft mice.", "slug": "replica-draft"}
REVISED = "Progesterone builds bone in revised mice."
EVIDENCE = {
    "claim": DRAFT["slug"],
    "reference": "replica2024bone",
    "stance": "supports",
    "design": "rct",
    "population": "humans",
    "sample_size": 400,
}


# The deployed settings, debug off, but static files found without collectstatic's manifest.
SETTINGS = """
from config.settings.base import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}}
"""


def app_environment(home: Path, primary: Cluster, standby: Cluster, **settings: str) -> dict:
    (home / "replica_test_settings.py").write_text(SETTINGS)
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "REDIS_"))
    }
    return {
        **environment,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(home), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "replica_test_settings",
        "DJANGO_SECRET_KEY": "replica-test-" + "k" * 50,
        "DATABASE_URL": primary.url(DATABASE),
        "DATABASE_REPLICA_URLS": standby.url(DATABASE, application_name=READER_APP),
        "DJANGO_REPLICA_RETRY_SECONDS": str(RETRY_SECONDS),
        **settings,
    }


def migrate_and_fill(primary: Cluster) -> dict:
    primary.sql(f'CREATE DATABASE "{DATABASE}"')
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "replica-test-" + "k" * 50,
        "DATABASE_URL": primary.url(DATABASE),
    }
    result = run_manage("shell", "--no-imports", "-c", SETUP, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


class Server:
    """gunicorn (gunicorn.conf.py) with one worker on a free loopback port; `wait()` for it."""

    def __init__(self, environment: dict, log: Path):
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.log = log
        environment = {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
        with log.open("w") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own server
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait(self, timeout: float = 60.0) -> Server:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer in {timeout} s:\n{self.log.read_text()}")

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def quit(self) -> None:
        """Ask gunicorn for its quick shutdown; `process.wait()` for the end."""
        self.process.send_signal(signal.SIGQUIT)


@dataclass
class Deployment:
    primary: Cluster
    standby: Cluster
    kept: Server  # Django keeps each connection for a minute (DJANGO_CONN_MAX_AGE=60)
    pooled: Server  # psycopg's pool (DJANGO_DB_POOL=1)
    data: dict  # the curators' tokens and the published claim's slug


# The two ways a process holds its connections, each finding a dead replica its own way:
# a kept connection fails Django's health check; the pool gives up after its timeout.
KEPT = {"DJANGO_CONN_MAX_AGE": "60"}
POOLED = {"DJANGO_DB_POOL": "1", "DJANGO_REPLICA_CONNECT_TIMEOUT": "1"}


@pytest.fixture(scope="module")
def deployment():
    """A primary, its standby and the app on both; torn down however the test ends."""
    home = Path(tempfile.mkdtemp(prefix="ledger-replica-"))
    give_to_server_user(home)
    clusters, servers = [], []
    try:
        primary = Cluster.primary(home / "primary")
        clusters.append(primary)
        data = migrate_and_fill(primary)
        standby = primary.standby(home / "standby")
        clusters.append(standby)
        for name, settings in (("kept", KEPT), ("pooled", POOLED)):
            environment = app_environment(home, primary, standby, **settings)
            servers.append(Server(environment, home / f"{name}.log"))
        kept, pooled = (server.wait() for server in servers)
        yield Deployment(primary, standby, kept, pooled, data)
    finally:
        for server in servers:
            server.quit()
        for server in servers:
            server.process.wait(timeout=30)
        for cluster in clusters:
            if cluster.running():
                cluster.stop("immediate")
        shutil.rmtree(home, ignore_errors=True)


def reader_connections(standby: Cluster) -> int:
    """The app's connections to the standby (its application_name there)."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
    return standby.sql(query, READER_APP)[0][0]


def test_a_lagging_then_stopped_replica(deployment):
    primary, standby, data = deployment.primary, deployment.standby, deployment.data
    server = deployment.kept
    anonymous = server.client()
    writer = server.client(data["writer"])
    writer_unpinned = server.client(data["writer"])  # the same curator, no pin cookie
    reviewer = server.client(data["reviewer"])
    published = f"/api/claims/{data['published']}/"
    draft = f"/api/claims/{DRAFT['slug']}/"

    # Readers read from the replica, through either way of holding connections.
    for reader in (anonymous, deployment.pooled.client()):
        assert reader.get(published).json()["statement"].startswith("Oestrogen")
    assert reader_connections(standby) >= 2
    # A token's first use writes its last_used (then once a minute); once that is on the
    # replica, the unpinned curator's reads write nothing, so they stay on the replica.
    assert writer_unpinned.get(published).status_code == 200
    standby.wait_for_replay_of(primary)

    # (a) Replay paused: a curator's new draft and edit are read back at once (the pin
    # cookie of their writes sends their reads to the primary).
    standby.sql("SELECT pg_wal_replay_pause()")
    assert writer.post("/api/claims/", json=DRAFT).status_code == 201
    assert PIN_COOKIE in writer.cookies
    assert writer.post("/api/evidence/", json=EVIDENCE).status_code == 201
    assert writer.patch(draft, json={"statement": REVISED}).status_code == 200
    assert writer.get(draft).json()["statement"] == REVISED
    assert writer_unpinned.get(draft).status_code == 404  # the replica lags: not there yet

    # (b) Replayed, the draft is on the replica, and no reader sees it.
    standby.sql("SELECT pg_wal_replay_resume()")
    standby.wait_for_replay_of(primary)
    on_replica = "SELECT status, statement FROM claims_claim WHERE slug = %s"
    assert standby.sql(on_replica, DRAFT["slug"], database=DATABASE) == [("draft", REVISED)]
    assert writer_unpinned.get(draft).json()["statement"] == REVISED  # curators see drafts
    for url in (draft, f"/claims/{DRAFT['slug']}/", f"{draft}?format=bibtex"):
        assert anonymous.get(url).status_code == 404, url
    for url in ("/api/claims/", "/claims/", "/", "/claims/?q=progesterone"):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert "Progesterone builds bone" not in response.text, url

    # Published on the primary while replay is paused: readers, on the replica, see it only
    # once the standby has replayed its publication.
    standby.sql("SELECT pg_wal_replay_pause()")
    assert writer.post(f"{draft}submit/").status_code == 200
    assert reviewer.post(f"{draft}publish/").json()["status"] == "published"
    assert anonymous.get(draft).status_code == 404  # still in review on the replica
    standby.sql("SELECT pg_wal_replay_resume()")
    standby.wait_for_replay_of(primary)
    assert anonymous.get(draft).json()["statement"] == REVISED

    # (c) The standby stops: every reader request still answers, from the primary; once the
    # down mark lapses the replica is tried again (refused at once), still without an error.
    standby.stop("immediate")
    readers = ["/claims/", f"/claims/{DRAFT['slug']}/", "/api/claims/", draft]
    for app in (deployment.kept, deployment.pooled):
        reader = app.client()
        for url in [*readers, f"{published}?format=bibtex"]:
            assert reader.get(url).status_code == 200, url
    assert writer.get(draft).status_code == 200
    time.sleep(RETRY_SECONDS + 0.1)
    for app in (deployment.kept, deployment.pooled):
        reader = app.client()
        for url in readers:
            assert reader.get(url).status_code == 200, url
        log = app.log.read_text()
        # Found down at the stop, and again once the mark had lapsed (more often on a machine
        # so slow that a mark lapses while the readers above are being served).
        assert log.count("Replica replica1 is unreachable") >= 2, log
        assert '" 50' not in log, log  # no 5xx in gunicorn's access log
