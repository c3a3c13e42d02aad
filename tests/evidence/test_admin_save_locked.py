"""A curator saves an evidence item's or a relation's change form while another curator
publishes its claim, on two PostgreSQL connections (real threads, committed transactions).

Whether the write is staged (four eyes, evidence.revisions) is decided from the claim as
stored once it is locked: a claim published just before the lock has the edit staged as its
pending revision, the live rows unchanged. Decided from a reading taken before the lock, the
edit went live on a published claim, approved by nobody.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimRelation
from claims.services import claim_publish
from evidence.admin import NOT_SAVED, STAGED_ITEM
from evidence.admin_staging import BULK_GONE
from evidence.models import Evidence
from evidence.revisions import ITEM_JOINS, pending_revision
from tests.claims.test_admin_revisions import form_data, texts
from tests.concurrency import before_claim_locks
from tests.factories import CuratorFactory, EvidenceFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)


def post_while_published(url, claim, changes: dict) -> tuple:
    """Post the change form at `url` with `changes`, `claim` published on another connection
    just before the save locks it; the response and the publish's errors."""
    client = Client()
    client.force_login(CuratorFactory())
    data = {**form_data(client.get(url)), **changes}
    reviewer = CuratorFactory()
    publish, errors = before_claim_locks(lambda: claim_publish(claim=claim, actor=reviewer))
    with connection.execute_wrapper(publish):
        response = client.post(url, data)
    return response, errors


def test_editing_an_item_of_a_claim_published_before_the_lock_stages_the_edit():
    claim = graded("bmd-spine", "in_review")
    item = EvidenceFactory(claim=claim, outcome="hip fractures")
    url = reverse("admin:evidence_evidence_change", args=[item.pk])

    response, errors = post_while_published(url, claim, {"outcome": "vertebral fractures"})

    assert errors == []
    assert response.status_code == 302
    assert STAGED_ITEM in texts(response)
    assert Claim.objects.get(pk=claim.pk).status == "published"
    assert Evidence.objects.get(pk=item.pk).outcome == "hip fractures"  # live row unchanged
    staged = {i["id"]: i for i in pending_revision(claim).snapshot["evidence"]}
    assert staged[item.pk]["outcome"] == "vertebral fractures"


def test_editing_a_relation_of_a_claim_published_before_the_lock_stages_the_edit():
    whole = graded("bone-health")
    claim = graded("bmd-spine", "in_review")
    relation = ClaimRelation.objects.create(from_claim=claim, to_claim=whole, kind="refines")
    url = reverse("admin:claims_claimrelation_change", args=[relation.pk])

    response, errors = post_while_published(url, claim, {"kind": "part_of"})

    assert errors == []
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "published"
    assert ClaimRelation.objects.get(pk=relation.pk).kind == "refines"  # live row unchanged
    [staged] = pending_revision(claim).snapshot["relations"]
    assert (staged["to_claim"], staged["kind"]) == (whole.pk, "part_of")


def test_moving_an_item_onto_a_claim_published_before_the_lock_is_refused_and_writes_nothing():
    draft = graded("bone-health", "draft")
    claim = graded("bmd-spine", "in_review")
    item = EvidenceFactory(claim=draft, outcome="hip fractures")
    url = reverse("admin:evidence_evidence_change", args=[item.pk])

    response, errors = post_while_published(url, claim, {"claim": claim.pk, "outcome": "hips"})

    assert errors == []
    assert response.status_code == 302  # back to the form, with why
    assert f"{ITEM_JOINS} {NOT_SAVED}" in texts(response)
    assert Claim.objects.get(pk=claim.pk).status == "published"
    stored = Evidence.objects.get(pk=item.pk)
    assert (stored.claim_id, stored.outcome) == (draft.pk, "hip fractures")
    assert pending_revision(claim) is None


def test_a_bulk_deletion_does_not_count_rows_someone_else_deleted_first():
    kept = EvidenceFactory(claim=graded("bmd-spine", "draft"))
    gone = EvidenceFactory(claim=graded("bone-health", "draft"))
    client = Client()
    client.force_login(CuratorFactory())
    data = {"action": "delete_selected", "_selected_action": [kept.pk, gone.pk], "post": "yes"}
    # Another curator deletes one of them after the confirmation page, before the locks.
    wrapper, errors = before_claim_locks(lambda: Evidence.objects.filter(pk=gone.pk).delete())

    with connection.execute_wrapper(wrapper):
        response = client.post(reverse("admin:evidence_evidence_changelist"), data, follow=True)

    assert errors == []
    assert texts(response) == [BULK_GONE.format(deleted=1, total=2, gone=1)]
    assert not Evidence.objects.filter(pk__in=[kept.pk, gone.pk]).exists()
