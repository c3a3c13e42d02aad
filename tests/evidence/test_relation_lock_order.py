"""A revision's approval, or a draft's new relation, while a batch regrade locks claims in key
order, on two PostgreSQL connections (real threads, committed transactions): neither
deadlocks.

Approving a relation from a public claim, or saving one from a draft, writes the claims at its
ends: their regrade locks them FOR UPDATE, and the relation's foreign keys lock both FOR KEY
SHARE when the transaction commits (Django's are DEFERRABLE INITIALLY DEFERRED). A writer that
locked its own claim first and the other end only then would hold its claim while waiting for
a whole with a smaller key that the batch holds, the batch waiting for the writer's claim next
(evidence.locks).

Deleting a relation in its delete view, which read it before any lock: it is read again once
its claims are locked, so a relation moved to another claim meanwhile locks only its ends as
stored (not the one it had, after the others: out of key order), and one deleted meanwhile is
the curator's message, not a server error.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimRelation, ClaimRevision
from evidence.relations import relation_save
from evidence.revisions import RelationChange, claim_revision_approve, claim_revision_create
from tests.claims.test_admin_revisions import texts
from tests.concurrency import before_claim_locks, in_key_order_while
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


def claim_locks() -> tuple:
    """A query wrapper recording the parameters of each statement locking claims."""
    locked = []

    def wrapper(execute, sql, params, many, context):
        if "FOR UPDATE" in sql and '"claims_claim"' in sql:
            locked.append(tuple(params or ()))
        return execute(sql, params, many, context)

    return wrapper, locked


def delete_in_view_while(relation, step) -> tuple:
    """Post the relation's delete view, `step` running on another connection just before the
    first claim lock; the response (redirects followed), `step`'s errors and the claim locks."""
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_delete", args=[relation.pk])
    wrapper, errors = before_claim_locks(step)
    recorder, locked = claim_locks()
    with connection.execute_wrapper(wrapper), connection.execute_wrapper(recorder):
        response = client.post(url, {"post": "yes"}, follow=True)
    return response, errors, locked


def test_deleting_in_its_view_a_relation_moved_to_another_claim_locks_only_its_ends():
    before = graded("bone-health")  # what it related to when the view read it
    after = graded("bmd-hip")
    draft = graded("bmd-spine", "draft")
    relation = relation_save(
        relation=ClaimRelation(from_claim=draft, to_claim=before, kind="refines"), actor=None
    )

    def move_to_after():
        moved = ClaimRelation.objects.get(pk=relation.pk)
        moved.to_claim = after
        relation_save(relation=moved, actor=None)

    response, errors, locked = delete_in_view_while(relation, move_to_after)

    assert errors == []
    assert response.status_code == 200
    assert not ClaimRelation.objects.filter(pk=relation.pk).exists()
    # The first lock, of its ends as read, finds it moved: it is rolled back, and retried.
    assert before.pk in locked[0]
    assert all(before.pk not in params for params in locked[1:])


def test_deleting_in_its_view_a_relation_deleted_meanwhile_says_so():
    older = graded("bone-health")
    draft = graded("bmd-spine", "draft")
    relation = relation_save(
        relation=ClaimRelation(from_claim=draft, to_claim=older, kind="refines"), actor=None
    )

    response, errors, _locked = delete_in_view_while(
        relation, lambda: ClaimRelation.objects.filter(pk=relation.pk).delete()
    )

    assert errors == []
    assert response.status_code == 200
    assert any("had already been deleted" in text for text in texts(response))
