"""A revision's approval, or a draft's new relation, while a batch regrade locks claims in key
order, on two PostgreSQL connections (real threads, committed transactions): neither
deadlocks.

Approving a relation from a public claim, or saving one from a draft, writes the claims at its
ends: their regrade locks them FOR UPDATE, and the relation's foreign keys lock both FOR KEY
SHARE when the transaction commits (Django's are DEFERRABLE INITIALLY DEFERRED). A writer that
locked its own claim first and the other end only then would hold its claim while waiting for
a whole with a smaller key that the batch holds, the batch waiting for the writer's claim next
(evidence.locks).
"""

import pytest

from claims.models import Claim, ClaimRelation, ClaimRevision
from evidence.relations import relation_save
from evidence.revisions import RelationChange, claim_revision_approve, claim_revision_create
from tests.concurrency import in_key_order_while
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)


def test_approving_a_part_of_while_a_batch_regrade_holds_the_whole():
    whole = graded("bone-health")  # the smaller key
    part = graded("bmd-spine")
    change = RelationChange(fields={"to_claim": whole, "kind": "part_of"})
    revision = claim_revision_create(claim=part, actor=CuratorFactory(), relations=[change])
    reviewer = CuratorFactory()

    errors = in_key_order_while(
        lambda: claim_revision_approve(revision=revision, actor=reviewer), first=whole, then=part
    )

    assert errors == []
    assert ClaimRelation.objects.filter(from_claim=part, to_claim=whole, kind="part_of").exists()
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"


def test_approving_a_revision_staged_further_with_a_relation_since_the_approver_read_it():
    """The approver reads the pending revision (a new statement), its author then stages a
    relation to a whole with a smaller key, and the approval runs while a batch holds that
    whole: it locked the claim for the version it read, and must not lock the whole on top."""
    whole = graded("bone-health")  # the smaller key
    part = graded("bmd-spine")
    author, reviewer = CuratorFactory(), CuratorFactory()
    fields = {"statement": "Claim bmd-spine, restated."}
    revision = claim_revision_create(claim=part, actor=author, fields=fields)
    read = ClaimRevision.objects.get(pk=revision.pk)  # what the approver's page shows
    change = RelationChange(fields={"to_claim": whole, "kind": "part_of"})
    claim_revision_create(claim=part, actor=author, relations=[change])

    errors = in_key_order_while(
        lambda: claim_revision_approve(revision=read, actor=reviewer), first=whole, then=part
    )

    assert errors == []
    assert Claim.objects.get(pk=part.pk).statement == "Claim bmd-spine, restated."
    assert ClaimRelation.objects.filter(from_claim=part, to_claim=whole, kind="part_of").exists()
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"


def test_relating_a_draft_while_a_batch_regrade_holds_the_claim_it_refines():
    older = graded("bone-health")  # the smaller key
    draft = graded("bmd-spine", "draft")
    relation = ClaimRelation(from_claim=draft, to_claim=older, kind="refines")

    errors = in_key_order_while(
        lambda: relation_save(relation=relation, actor=None), first=older, then=draft
    )

    assert errors == []
    assert ClaimRelation.objects.filter(from_claim=draft, to_claim=older).exists()
