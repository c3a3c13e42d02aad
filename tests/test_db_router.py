"""Read replicas: the router on two real database aliases (`replica1` mirrors `default`)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from citations.models import Reference
from config.db_router import PIN_COOKIE, PrimaryReplicaRouter, choose_replica
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
