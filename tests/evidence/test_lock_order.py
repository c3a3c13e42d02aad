"""An evidence write and a save of the reference it cites, at the same time, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

A claim's `updated` follows its evidence's references (claims migration 0009): saving a
reference locks it (FOR UPDATE: a row trigger runs and the save sets its unique columns),
then the claims citing it. An evidence write locks its claim; the item's foreign key to its
reference is checked when the write commits (FOR KEY SHARE; Django's are deferred). Unless the
write takes the reference first, each of the two waits for the other.
"""

import threading

import pytest

from citations.history import save_with_history
from evidence import services
from evidence.models import Stance
from tests.concurrency import backend_pid, run_together, wait_until_blocked
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reference_save_and_an_evidence_write_citing_it_do_not_deadlock(monkeypatch):
    existing = EvidenceFactory(claim=ClaimFactory(), reference=ReferenceFactory())
    claim, reference = existing.claim, existing.reference
    saver_pid = []
    claims_locked, saver_started = threading.Event(), threading.Event()
    lock_claims = services.claims_lock

    def lock_claims_then_let_the_saver_run(claim_ids):
        locked = lock_claims(claim_ids)
        claims_locked.set()
        saver_started.wait(timeout=10)
        wait_until_blocked(saver_pid[0])  # the saver now waits for this writer
        return locked

    monkeypatch.setattr(services, "claims_lock", lock_claims_then_let_the_saver_run)

    def write_evidence():
        services.evidence_create(
            claim=claim,
            reference=reference,
            outcome="fractures",
            stance=Stance.SUPPORTS,
            design="rct",
            population="humans",
        )

    def save_reference():
        claims_locked.wait(timeout=10)
        saver_pid.append(backend_pid())
        saver_started.set()
        reference.title = "A corrected title"
        save_with_history(reference)

    assert run_together(write_evidence, save_reference) == []
    assert claim.evidence.count() == 2
    reference.refresh_from_db()
    assert reference.title == "A corrected title"
