"""An evidence write and a save of the reference it cites, at the same time, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

A claim's `updated` follows its evidence's references (claims migration 0009): saving a
reference locks it (FOR UPDATE: a row trigger runs and the save sets its unique columns),
then the claims citing it. An evidence write locks its claim; the item's foreign key to its
reference is checked when the write commits (FOR KEY SHARE; Django's are deferred). Unless the
write takes the reference first, each of the two waits for the other.
"""

import pytest

from citations.history import save_with_history
from evidence import services
from evidence.models import Stance
from tests.concurrency import holding_then, run_together
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reference_save_and_an_evidence_write_citing_it_do_not_deadlock(monkeypatch):
    existing = EvidenceFactory(claim=ClaimFactory(), reference=ReferenceFactory())
    claim, reference = existing.claim, existing.reference

    def save_reference():
        reference.title = "A corrected title"
        save_with_history(reference)

    lock_claims, save_reference = holding_then(services.claims_lock, save_reference)
    monkeypatch.setattr(services, "claims_lock", lock_claims)

    def write_evidence():
        services.evidence_create(
            claim=claim,
            reference=reference,
            outcome="fractures",
            stance=Stance.SUPPORTS,
            design="rct",
            population="humans",
        )

    assert run_together(write_evidence, save_reference) == []
    assert claim.evidence.count() == 2
    reference.refresh_from_db()
    assert reference.title == "A corrected title"
