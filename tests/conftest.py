"""Shared fixtures, and Hypothesis's profile for CI."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from hypothesis import settings as hypothesis_settings

from claims.searching import CHOICES
from tests.factories import CuratorFactory
from tests.processes import run_manage, scratch_database

# In CI (`CI` set): every run tries the same examples, so a landing never fails on a draw
# that no one can repeat (a property test's rare counterexample shows in a developer's
# `make test`, which draws anew, and prints the blob that replays it), and no deadline: the
# shared machine's load moves timings. Locally, Hypothesis's defaults.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fresh_search_choices():
    """Each test chooses a search's postings anew (claims.searching.CHOICES keeps a
    process's choices for a minute), so what it reads does not depend on the tests before."""
    CHOICES.clear()


@pytest.fixture
def curator(db):
    return CuratorFactory()


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def seed(db):
    """The demo data set of fixtures/seed.json (progesterone and bone), as `make run` loads it."""
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture(scope="module")
def seed_once(django_db_setup, django_db_blocker):
    """The seed loaded once for a whole module, in a transaction rolled back after its last
    test; each test's own transaction is a savepoint inside it, so what a test writes is
    gone before the next. Loading it costs 1.5 to 4 s a time. For modules whose tests all
    use the seed and none `transactional_db` (which would empty the tables)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("loaddata", "seed", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


SOURCES_DATA = Path(__file__).parent / "data" / "sources"
SOURCE_PREFIXES = {
    "CROSSREF_API_URL": "/crossref",
    "NCBI_EUTILS_URL": "/eutils",
    "NCBI_IDCONV_URL": "/idconv/",
    "DOI_RESOLVER_URL": "/doi",
    "OPENLIBRARY_URL": "/openlibrary",
}


class StandIn:
    """Local stand-ins for the metadata services, answering with recorded responses."""

    def __init__(self, server):
        self.server = server

    def serve(self, path: str, name: str, *, query=None, status=200, headers=None):
        """Answer GET `path` (with exactly `query`, when given) with tests/data/sources/`name`."""
        body = (SOURCES_DATA / name).read_bytes() if name else b""
        kind = "text/xml" if name.endswith(".xml") else "application/json"
        request = self.server.expect_request(path, method="GET", query_string=query)
        request.respond_with_data(body, status=status, headers=headers, content_type=kind)

    def fail(self, path: str, status: int, *, body: str = "", headers=None, query=None):
        request = self.server.expect_request(path, method="GET", query_string=query)
        request.respond_with_data(body, status=status, headers=headers)

    def requests(self):
        return [request for request, _response in self.server.log]


@pytest.fixture
def sources(httpserver, settings):
    """Point every metadata service at one local stand-in server, with an empty cache."""
    for name, prefix in SOURCE_PREFIXES.items():
        setattr(settings, name, httpserver.url_for(prefix))
    cache.clear()
    yield StandIn(httpserver)
    cache.clear()


@pytest.fixture
def sources_offline(settings):
    """Every metadata service at a closed local port: connections are refused."""
    for name in SOURCE_PREFIXES:
        setattr(settings, name, "http://127.0.0.1:9")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def migrated_scratch():
    """The name of a database migrated once by `manage.py migrate` in a fresh interpreter:
    the template of the scratch databases of tests that run the project as `make run` does."""
    with scratch_database("migrated") as url:
        result = run_manage(
            "migrate", "--noinput", DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings.base"
        )
        assert result.returncode == 0, result.stderr
        yield url.rsplit("/", 1)[1]
