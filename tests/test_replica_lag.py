"""Lagging replicas and takedowns (config.replica_lag, claims.takedowns): the decision from a
replica's lag numbers, the probe on a real server, and the horizon a takedown records.

replica1 of the test settings mirrors `default` (a server that is not a standby), so a real
lag is shown by tests/test_real_replica.py; here a lagging replica is a verdict this process
kept from an earlier probe, which the router must then follow without asking the replica.
"""

import math
import time
from datetime import date

import pytest
from django.core.cache import caches
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from citations.sources.results import RETRACTED, Update
from claims.models import Claim
from claims.services import claim_override_grade, claim_publish, claim_retract
from claims.takedowns import is_takedown
from config import db_router, replica_lag
from config.replica_lag import (
    TAKEDOWN_KEY,
    Standing,
    Verdict,
    has_replayed,
    known_standing,
    lag_seconds,
    serves_readers,
)
from evidence.services import claim_regrade
from evidence.verification import reference_record_retraction
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory, UserFactory

REPLICA = "replica1"
BOTH = ["default", REPLICA]
NOT_A_STANDBY = Standing(replayed=None, received=None, replay_age=None)


def standby(replayed=100, received=100, replay_age=0.5):
    return Standing(replayed=replayed, received=received, replay_age=replay_age)


# --- the decision, from the numbers -----------------------------------------------------


def test_a_standby_with_nothing_waiting_is_current_however_old_its_last_commit():
    idle_primary = standby(replayed=500, received=500, replay_age=3600.0)
    assert lag_seconds(idle_primary) == 0.0
    assert serves_readers(idle_primary, horizon=None, max_lag=10)


def test_wal_waiting_for_replay_lags_by_the_age_of_the_last_commit_replayed():
    paused = standby(replayed=500, received=900, replay_age=12.0)
    assert lag_seconds(paused) == 12.0
    assert not serves_readers(paused, horizon=None, max_lag=10)
    assert serves_readers(
        standby(replayed=500, received=900, replay_age=3.0), horizon=None, max_lag=10
    )


def test_a_lag_that_cannot_be_told_is_too_much():
    no_commit_replayed_yet = standby(replayed=500, received=900, replay_age=None)
    assert lag_seconds(no_commit_replayed_yet) == math.inf
    not_streaming = standby(replayed=500, received=None, replay_age=20.0)  # archive recovery
    assert lag_seconds(not_streaming) == 20.0


def test_a_pending_takedown_keeps_readers_off_a_replica_that_has_not_replayed_it():
    current = standby(replayed=500, received=500, replay_age=0.1)
    assert not serves_readers(current, horizon=501, max_lag=10)
    assert serves_readers(current, horizon=500, max_lag=10)
    assert serves_readers(current, horizon=None, max_lag=10)


def test_a_server_that_is_not_a_standby_always_serves():
    assert lag_seconds(NOT_A_STANDBY) == 0.0
    assert has_replayed(NOT_A_STANDBY, 10**12)


@pytest.fixture
def lag_settings(settings, monkeypatch):
    settings.REPLICA_MAX_LAG_SECONDS = 10
    settings.REPLICA_LAG_CHECK_SECONDS = 2
    monkeypatch.setattr(replica_lag, "_verdicts", {})
    monkeypatch.setattr(replica_lag, "_horizon_reads", {})
    return replica_lag._verdicts


def test_a_verdict_answers_for_a_few_seconds(lag_settings):
    lag_settings[REPLICA] = Verdict(standby(replayed=500), checked=100.0)
    assert known_standing(REPLICA, horizon=None, now=101.9) == standby(replayed=500)
    assert known_standing(REPLICA, horizon=None, now=102.0) is None  # probe again
    assert known_standing("replica2", horizon=None, now=101.0) is None  # never probed


def test_a_takedown_past_a_current_verdict_asks_for_a_probe_a_lagging_one_does_not(lag_settings):
    lag_settings[REPLICA] = Verdict(standby(replayed=500), checked=100.0)
    assert known_standing(REPLICA, horizon=600, now=100.5) is None
    lagging = standby(replayed=500, received=900, replay_age=30.0)
    lag_settings[REPLICA] = Verdict(lagging, checked=100.0)
    assert known_standing(REPLICA, horizon=600, now=100.5) == lagging  # primary, no probe


def test_takedowns_are_changes_to_public_claims_but_their_publication():
    assert is_takedown(Claim, status="retracted", reason="retracted")
    assert is_takedown(Claim, status="published", reason="approved revision 3 by ann")
    assert is_takedown(Claim, status="published", reason=None)  # a deletion, an admin save
    assert not is_takedown(Claim, status="published", reason="published")
    assert not is_takedown(Claim, status="draft", reason=None)
    from citations.models import Reference

    assert is_takedown(Reference, retraction="retracted", reason="Retracted per Crossref")
    assert not is_takedown(Reference, retraction="none", reason=None)


# --- the router and the probe on real databases -------------------------------------------


@pytest.fixture
def replicas_on(settings, lag_settings, monkeypatch):
    settings.LEDGER_READ_REPLICAS = [REPLICA]
    monkeypatch.setattr(db_router, "_down_until", {})
    caches["default"].delete(TAKEDOWN_KEY)
    yield lag_settings
    caches["default"].delete(TAKEDOWN_KEY)


@pytest.fixture
def published_claim(replicas_on):
    """A public claim (made public by a plain save, itself a takedown: the horizon is reset)."""
    claim = EvidenceFactory().claim
    caches["default"].delete(TAKEDOWN_KEY)
    return claim


def queries_on_each(run):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        result = run()
    return result, [q["sql"] for q in primary], [q["sql"] for q in replica]


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_the_first_reader_probes_the_replica_and_the_next_ones_do_not(client, published_claim):
    first, _, on_replica = queries_on_each(lambda: client.get(published_claim.get_absolute_url()))
    second, primary, again = queries_on_each(lambda: client.get(published_claim.get_absolute_url()))

    assert (first.status_code, second.status_code) == (200, 200)
    assert on_replica[0] == replica_lag.PROBE  # the first query of the request, on the replica
    assert replica_lag._verdicts[REPLICA].standing == NOT_A_STANDBY
    assert replica_lag.PROBE not in again
    assert (primary, len(again) > 0) == ([], True)


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_readers_of_a_replica_known_to_lag_read_the_primary_without_asking_it(
    client, published_claim, replicas_on
):
    lagging = standby(replayed=500, received=900, replay_age=60.0)
    replicas_on[REPLICA] = Verdict(lagging, checked=time.monotonic())

    response, primary, on_replica = queries_on_each(
        lambda: client.get(published_claim.get_absolute_url())
    )

    assert response.status_code == 200
    assert published_claim.statement in response.text
    assert (len(primary) > 0, on_replica) == (True, [])
    assert REPLICA not in db_router._down_until  # lagging, not down


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_kept_connection_that_died_between_requests_is_replaced_by_the_probe(
    client, published_claim
):
    replica = connections[REPLICA]
    replica.ensure_connection()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [replica.connection.info.backend_pid])

    response, primary, on_replica = queries_on_each(
        lambda: client.get(published_claim.get_absolute_url())
    )

    assert response.status_code == 200
    assert (primary, len(on_replica) > 1) == ([], True)
    assert REPLICA not in db_router._down_until


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_with_the_database_cache_a_process_reads_the_horizon_once_per_check_interval(
    client, published_claim, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": settings.DATABASE_CACHE_TABLE,
        },
    }
    replica_lag._horizon_reads.clear()  # as in a process that made no takedown
    page = published_claim.get_absolute_url()
    first, primary, on_replica = queries_on_each(lambda: client.get(page))
    second, primary_again, _ = queries_on_each(lambda: client.get(page))

    assert (first.status_code, second.status_code) == (200, 200)
    assert len(primary) == 1  # the horizon, from the primary's cache table
    assert settings.DATABASE_CACHE_TABLE in primary[0]
    assert on_replica[0] == replica_lag.PROBE
    assert primary_again == []  # a moment later: the process's last read answers


# --- takedowns record the primary's position -----------------------------------------------


def primary_position() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(replica_lag.PRIMARY_POSITION)
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_retraction_records_the_position_a_replica_must_replay(published_claim):
    before = primary_position()
    claim_retract(claim=published_claim, reason="Data fabricated.", actor=UserFactory())

    horizon = caches["default"].get(TAKEDOWN_KEY)
    assert before < horizon <= primary_position()


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_publication_records_nothing(replicas_on):
    claim = EvidenceFactory(claim__status="in_review").claim
    claim_regrade(claim=claim)
    claim_publish(claim=claim, actor=UserFactory())
    assert caches["default"].get(TAKEDOWN_KEY) is None


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_transaction_of_several_takedowns_records_once(published_claim):
    with CaptureQueriesContext(connections["default"]) as primary, transaction.atomic():
        claim_override_grade(
            claim=published_claim, level="low", rationale="One small trial.", actor=None
        )
        claim_retract(claim=published_claim, reason="Data fabricated.")
    asked = [q["sql"] for q in primary if q["sql"] == replica_lag.PRIMARY_POSITION]
    assert len(asked) == 1
    assert caches["default"].get(TAKEDOWN_KEY) is not None


@pytest.mark.django_db(databases=BOTH, transaction=True)
def test_a_deleted_public_claim_and_a_reference_retraction_record(published_claim):
    Claim.objects.get(pk=published_claim.pk).delete()
    first = caches["default"].get(TAKEDOWN_KEY)
    assert first is not None

    reference = ReferenceFactory()
    EvidenceFactory(claim=ClaimFactory(), reference=reference)
    update = Update(state=RETRACTED, notice="", date=date(2010, 2, 6), source="Crossref")
    assert reference_record_retraction(reference=reference, updates=[update])
    assert caches["default"].get(TAKEDOWN_KEY) > first


@pytest.mark.django_db(transaction=True)
def test_without_replicas_a_takedown_records_nothing(settings):
    settings.LEDGER_READ_REPLICAS = []
    caches["default"].delete(TAKEDOWN_KEY)
    claim = EvidenceFactory().claim
    claim_retract(claim=claim, reason="Data fabricated.")
    assert caches["default"].get(TAKEDOWN_KEY) is None
