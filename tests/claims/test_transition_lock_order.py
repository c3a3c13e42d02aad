"""A workflow step and another writer that locks claims in key order (a batch regrade, the
regrade of a relation's ends), at the same time on two PostgreSQL connections: neither
deadlocks.

Publishing a part regrades the wholes it is part of, and publishing or retracting a claim
moves the page version of the public claims related to it (evidence.relations
`status_change_regrade`): the step writes claims besides its own. A step that locked its own
claim first and the others when it wrote them could hold its claim while waiting for a whole
with a smaller key that a batch regrade holds, the batch waiting for the step's claim next.
"""

import pytest

from claims.models import Claim, ClaimRelation
from claims.services import claim_publish, claim_retract, claim_submit_for_review
from evidence.services import claim_regrade
from tests.concurrency import in_key_order_while
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def graded(slug, status):
    claim = ClaimFactory(status=status, slug=slug, statement=f"Claim {slug}.")
    EvidenceFactory(claim=claim, risk_of_bias="low", sample_size=1000)
    claim_regrade(claim=claim)
    return Claim.objects.get(pk=claim.pk)


def test_publishing_a_part_while_a_batch_regrade_holds_its_whole():
    whole = graded("bone-health", "published")  # the smaller key
    part = graded("bmd-spine", "draft")
    ClaimRelation.objects.create(from_claim=part, to_claim=whole, kind="part_of")
    claim_submit_for_review(claim=part, actor=CuratorFactory())
    publisher = CuratorFactory()

    errors = in_key_order_while(
        lambda: claim_publish(claim=part, actor=publisher), first=whole, then=part
    )

    assert errors == []
    assert Claim.objects.get(pk=part.pk).status == "published"
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"


def test_retracting_a_claim_while_a_batch_regrade_holds_a_related_one():
    older = graded("bone-health", "published")
    refined = graded("bmd-spine", "published")
    ClaimRelation.objects.create(from_claim=refined, to_claim=older, kind="refines")
    version = Claim.objects.page_version(older.slug)

    errors = in_key_order_while(
        lambda: claim_retract(claim=refined, reason="Withdrawn.", actor=CuratorFactory()),
        first=older,
        then=refined,
    )

    assert errors == []
    assert Claim.objects.get(pk=refined.pk).status == "retracted"
    assert Claim.objects.page_version(older.slug) != version
