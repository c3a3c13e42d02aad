"""A writer whose claims to lock depend on rows it reads locks them, reads the rows again, and
when they now need other claims gives the locks back and takes them again (evidence.locks);
while another connection (a real thread, committed transactions) moves those rows before every
lock, it gives up after LOCK_TRIES tries, with LOCKS_KEPT_MOVING, having written nothing.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from claims.models import ClaimRelation, ClaimRevision
from evidence.locks import LOCK_TRIES, LOCKS_KEPT_MOVING, rows_locked_with_claims
from evidence.models import Evidence
from evidence.revisions import RelationChange, claim_revision_approve, claim_revision_create
from evidence.services import evidence_update
from tests.concurrency import before_claim_locks
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)


def test_rows_that_move_to_another_claim_before_every_lock_are_given_up_on():
    first = graded("bone-health", "draft")
    other = graded("bmd-spine", "draft")
    item = first.evidence.get()
    claims = iter([other, first, other, first])

    def move():
        evidence_update(evidence=Evidence.objects.get(pk=item.pk), claim=next(claims))

    moving, errors = before_claim_locks(move, times=LOCK_TRIES)

    with pytest.raises(ValidationError) as raised, connection.execute_wrapper(moving):
        rows_locked_with_claims(Evidence.objects.filter(pk=item.pk), ["claim"])

    assert errors == []
    assert raised.value.messages == [LOCKS_KEPT_MOVING]
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_an_approval_of_a_revision_staged_further_before_every_lock_is_given_up_on():
    wholes = iter([graded(f"whole-{n}") for n in range(LOCK_TRIES + 1)])
    part = graded("bmd-spine")
    author, reviewer = CuratorFactory(), CuratorFactory()
    fields = {"statement": "Claim bmd-spine, restated."}
    revision = claim_revision_create(claim=part, actor=author, fields=fields)

    def stage_one_more_relation():
        change = RelationChange(fields={"to_claim": next(wholes), "kind": "refines"})
        claim_revision_create(claim=part, actor=author, relations=[change])

    staging, errors = before_claim_locks(stage_one_more_relation, times=LOCK_TRIES + 1)

    with pytest.raises(ValidationError) as raised, connection.execute_wrapper(staging):
        claim_revision_approve(revision=ClaimRevision.objects.get(pk=revision.pk), actor=reviewer)

    assert errors == []
    assert raised.value.messages == [LOCKS_KEPT_MOVING]
    assert ClaimRevision.objects.get(pk=revision.pk).status == "pending"
    assert not ClaimRelation.objects.filter(from_claim=part).exists()
