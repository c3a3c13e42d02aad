"""An evidence write and a save of the reference it cites, at the same time, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

A claim's `updated` follows its evidence's references (claims migration 0009): saving a
reference locks it (FOR UPDATE: a row trigger runs and the save sets its unique columns),
then the claims citing it. An evidence write locks its claim; inserting the item then checks
its reference (FOR KEY SHARE). Unless the write takes the reference first, each of the two
waits for the other.
"""

import threading
import time

import pytest
from django.db import connection

from citations.history import save_with_history
from evidence import services
from evidence.models import Stance
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int, seconds: float = 5) -> None:
    """Until the backend `pid` waits for a lock, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row is not None and row[0] == "Lock":
            return
        time.sleep(0.05)


def test_a_reference_save_and_an_evidence_write_citing_it_do_not_deadlock(monkeypatch):
    existing = EvidenceFactory(claim=ClaimFactory(), reference=ReferenceFactory())
    claim, reference = existing.claim, existing.reference
    errors, saver_pid = [], []
    claims_locked, saver_started = threading.Event(), threading.Event()
    lock_claims = services._lock_claims

    def lock_claims_then_let_the_saver_run(claim_ids):
        locked = lock_claims(claim_ids)
        claims_locked.set()
        saver_started.wait(timeout=10)
        wait_until_blocked(saver_pid[0])  # the saver now waits for this writer
        return locked

    monkeypatch.setattr(services, "_lock_claims", lock_claims_then_let_the_saver_run)

    def in_thread(work):
        def run() -> None:
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
                errors.append(exc)
            finally:
                connection.close()  # This thread's own connection.

        return threading.Thread(target=run)

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

    threads = [in_thread(write_evidence), in_thread(save_reference)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert claim.evidence.count() == 2
    reference.refresh_from_db()
    assert reference.title == "A corrected title"
