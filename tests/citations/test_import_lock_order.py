"""An import that updates several stored references, and an evidence write citing one of
them, at the same time on two PostgreSQL connections: neither deadlocks.

Updating a reference locks it, then (claims migration 0009's trigger) the claims citing it;
an evidence write locks its references, then its claims. An import that locked its
references one by one as it updated them could hold a claim the evidence write needs while
waiting for a reference the evidence write holds. It locks them all first.
"""

import threading

import pytest

from citations.importing import UPDATE
from citations.importing.writers import UpdateWriter
from citations.services import reference_import_bibtex
from evidence import services
from evidence.models import Stance
from tests.concurrency import backend_pid, run_together, wait_until_blocked
from tests.factories import EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db(transaction=True)

BIBTEX = """
@article{first, title={First study, corrected}, doi={10.1000/first}, year={2020}}
@article{second, title={Second study, corrected}, doi={10.1000/second}, year={2021}}
"""


def test_an_import_updating_references_and_an_evidence_write_do_not_deadlock(monkeypatch):
    first = ReferenceFactory(doi="10.1000/first", title="First study", year=2020)
    second = ReferenceFactory(doi="10.1000/second", title="Second study", year=2021)
    claim = EvidenceFactory(reference=first).claim  # the first update locks this claim
    writer_pid = []
    first_updated, writer_started = threading.Event(), threading.Event()
    update = UpdateWriter._update

    def update_then_let_the_writer_run(self, reference, item):
        update(self, reference, item)
        if not first_updated.is_set():
            first_updated.set()
            writer_started.wait(timeout=10)
            wait_until_blocked(writer_pid[0])  # the evidence write now waits for the import

    monkeypatch.setattr(UpdateWriter, "_update", update_then_let_the_writer_run)

    def import_updates():
        reference_import_bibtex(data=BIBTEX, on_duplicate=UPDATE)

    def write_evidence():
        first_updated.wait(timeout=10)
        writer_pid.append(backend_pid())
        writer_started.set()
        services.evidence_create(
            claim=claim,
            reference=second,
            outcome="fractures",
            stance=Stance.SUPPORTS,
            design="rct",
            population="humans",
        )

    assert run_together(import_updates, write_evidence) == []
    second.refresh_from_db()
    assert second.title == "Second study, corrected"
    assert claim.evidence.count() == 2
