"""Read replicas: the router on two real database aliases (`replica1` mirrors `default`).

tests/test_real_replica.py runs the app against a real streaming standby that lags and stops.
"""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from citations.models import Reference
from config import db_router
from config.db_router import PIN_COOKIE, PrimaryReplicaRouter, choose_replica, live_replicas
from scripts.with_postgres import free_port
from tests.factories import EvidenceFactory, UserFactory

REPLICA = "replica1"
BOTH = ["default", REPLICA]


def first(aliases):
    return aliases[0]


def test_safe_request_reads_from_a_replica():
    assert choose_replica([REPLICA], pinned=False, method="GET", pick=first) == REPLICA


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_request_reads_from_the_primary(method):
    assert choose_replica([REPLICA], pinned=False, method=method, pick=first) is None


def test_pinned_client_and_no_replicas_read_from_the_primary():
    assert choose_replica([REPLICA], pinned=True, method="GET", pick=first) is None
    assert choose_replica([], pinned=False, method="GET", pick=first) is None


def test_outside_a_request_reads_and_writes_go_to_the_primary():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Reference) == "default"
    assert router.db_for_write(Reference) == "default"
    assert router.allow_migrate("default", "citations")
    assert not router.allow_migrate(REPLICA, "citations")


def queries_on_each(run):
    """Runs `run()` and returns (its result, queries on default, queries on the replica)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        result = run()
    return result, len(primary), len(replica)


@pytest.fixture
def replicas_on(settings):
    settings.LEDGER_READ_REPLICAS = [REPLICA]


@pytest.fixture
def published_claim(replicas_on):
    return EvidenceFactory().claim


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_claim_page_reads_only_from_the_replica(client, published_claim):
    response, primary, replica = queries_on_each(
        lambda: client.get(published_claim.get_absolute_url())
    )
    assert response.status_code == 200
    assert published_claim.statement in response.text
    assert (primary, replica > 0) == (0, True)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_streamed_export_reads_from_the_replica(client, published_claim):
    def export():
        response = client.get(f"/api/claims/{published_claim.slug}/?format=bibtex")
        return b"".join(response.streaming_content)

    body, primary, replica = queries_on_each(export)
    assert b"@article{" in body
    assert (primary, replica > 0) == (0, True)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_write_pins_the_client_to_the_primary(client, replicas_on):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # flushed: no group
    created = client.post("/api/topics/", {"name": "Fracture", "slug": "fracture"})
    assert created.status_code == 201
    assert created.cookies[PIN_COOKIE]["max-age"] == 10

    response, primary, replica = queries_on_each(lambda: client.get("/api/topics/fracture/"))
    assert response.status_code == 200
    assert (primary > 0, replica) == (True, 0)


def test_a_replica_marked_down_is_left_out_until_its_mark_lapses():
    marks = {REPLICA: 100.0}
    assert live_replicas([REPLICA, "replica2"], down_until=marks, now=99.0) == ["replica2"]
    assert live_replicas([REPLICA, "replica2"], down_until=marks, now=100.0) == [
        REPLICA,
        "replica2",
    ]


@pytest.fixture
def no_marks(monkeypatch):
    monkeypatch.setattr(db_router, "_down_until", {})
    return db_router._down_until


@pytest.fixture
def replica_refusing(replicas_on, no_marks):
    """replica1 points at a closed loopback port: every connection to it is refused."""
    replica = connections[REPLICA]
    replica.close()
    port = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = free_port()  # bound, then released: nothing listens
    yield
    replica.close()
    replica.settings_dict["PORT"] = port


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_readers_read_the_primary_when_the_replica_refuses(
    client, published_claim, replica_refusing
):
    with CaptureQueriesContext(connections["default"]) as primary:
        response = client.get(published_claim.get_absolute_url())

    assert response.status_code == 200
    assert published_claim.statement in response.text
    assert len(primary) > 0
    assert REPLICA in db_router._down_until  # the next readers do not try it again for a while


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_replica_lost_during_a_request_fails_that_request_and_is_left_out_after(
    client, published_claim, no_marks
):
    replica = connections[REPLICA]
    replica.ensure_connection()  # kept across requests, as with CONN_MAX_AGE
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [replica.connection.info.backend_pid])

    failed = client.get(published_claim.get_absolute_url())
    response, primary, on_replica = queries_on_each(
        lambda: client.get(published_claim.get_absolute_url())
    )

    assert failed.status_code == 503  # config.middleware: a maintenance page with Retry-After
    assert REPLICA in db_router._down_until
    assert (response.status_code, primary > 0, on_replica) == (200, True, 0)
