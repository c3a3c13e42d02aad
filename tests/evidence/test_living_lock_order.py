"""Including a living-search candidate and saving its reference at the same time, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

Including marks the candidate relevant (which locks its claim: its `updated` is touched) and
points the candidate at the reference, whose foreign key is checked at commit (FOR KEY SHARE;
Django's are deferred). Saving a reference locks it, then the claims citing it. Unless the
include takes the reference first, each waits for the other.
"""

import pytest
from django.core.exceptions import ValidationError

from citations.history import save_with_history
from evidence import living
from evidence.models import Candidate
from tests.concurrency import holding_then, run_together
from tests.factories import EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_including_a_candidate_and_saving_its_reference_do_not_deadlock(monkeypatch, curator):
    existing = EvidenceFactory(reference=ReferenceFactory(doi="10.1000/lock-order"))
    claim, reference = existing.claim, existing.reference
    candidate = Candidate.objects.create(claim=claim, source="crossref", doi=reference.doi)

    def save_reference():
        reference.title = "A corrected title"
        save_with_history(reference)

    # The include's triage locks the claim (its `updated` is set); the saver runs then.
    triage, save_reference = holding_then(living.candidate_triage, save_reference)
    monkeypatch.setattr(living, "candidate_triage", triage)

    def include():
        living.candidate_include(candidate=candidate, actor=curator)

    assert run_together(include, save_reference) == []
    candidate.refresh_from_db()
    assert candidate.reference_id == reference.pk
    assert candidate.decision == "relevant"
    reference.refresh_from_db()
    assert reference.title == "A corrected title"


def test_a_reference_deleted_before_the_include_locks_it_is_named(monkeypatch, curator):
    reference = ReferenceFactory(doi="10.1000/gone")
    candidate = Candidate.objects.create(
        claim=EvidenceFactory().claim, source="crossref", doi=reference.doi
    )
    share = living.share_references

    def delete_first(ids):
        # Another curator's delete, on their own connection, committed just before the lock.
        assert run_together(reference.delete) == []
        share(ids)

    monkeypatch.setattr(living, "share_references", delete_first)
    with pytest.raises(ValidationError, match="deleted or merged meanwhile"):
        living.candidate_include(candidate=candidate, actor=curator)
    candidate.refresh_from_db()
    assert candidate.reference_id is None
    assert candidate.decision == "untriaged"
