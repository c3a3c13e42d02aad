"""A curator writes an evidence item or a relation on the API while another curator publishes
its claim, on two PostgreSQL connections (real threads, committed transactions).

Whether the write is staged (four eyes, evidence.revisions) is decided from the claim as
stored once it is locked: a claim published just before the lock has the write staged as its
pending revision (202, as any staged write), the live rows unchanged. Decided from a reading
taken before the lock, the write went live on a published claim, approved by nobody.
"""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from claims.models import Claim, ClaimRelation
from claims.services import claim_publish
from evidence.models import Evidence
from evidence.revisions import ITEM_JOINS, pending_revision
from tests.api.test_writes import EVIDENCE
from tests.concurrency import before_claim_locks, run_together
from tests.factories import CuratorFactory, EvidenceFactory, ReferenceFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)


def while_published(claim, method: str, url: str, data=None):
    """The response to `method` at `url` with `data`, `claim` published on another connection
    just before the write locks it; asserts the publish went through."""
    client = APIClient()
    client.force_authenticate(CuratorFactory())
    reviewer = CuratorFactory()
    publish, errors = before_claim_locks(lambda: claim_publish(claim=claim, actor=reviewer))
    with connection.execute_wrapper(publish):
        response = getattr(client, method)(url, data, format="json")
    assert errors == []
    assert Claim.objects.get(pk=claim.pk).status == "published"
    return response


def staged_items(claim) -> dict:
    return {i.get("id"): i for i in pending_revision(claim).snapshot["evidence"]}


def test_an_item_added_to_a_claim_published_before_the_lock_is_staged():
    claim = graded("bmd-spine", "in_review")
    reference = ReferenceFactory()
    data = {**EVIDENCE, "claim": claim.slug, "reference": reference.citekey}

    response = while_published(claim, "post", "/api/evidence/", data)

    assert response.status_code == 202
    assert not Evidence.objects.filter(reference=reference).exists()  # no live row
    assert [i["sample_size"] for i in staged_items(claim).values()].count(500) == 1


def test_an_item_changed_on_a_claim_published_before_the_lock_is_staged():
    claim = graded("bmd-spine", "in_review")
    item = EvidenceFactory(claim=claim, outcome="hip fractures")

    response = while_published(
        claim, "patch", f"/api/evidence/{item.pk}/", {"outcome": "vertebral fractures"}
    )

    assert response.status_code == 202
    assert Evidence.objects.get(pk=item.pk).outcome == "hip fractures"  # live row unchanged
    assert staged_items(claim)[item.pk]["outcome"] == "vertebral fractures"


def test_an_item_moved_onto_a_claim_published_before_the_lock_is_refused():
    draft = graded("bone-health", "draft")
    claim = graded("bmd-spine", "in_review")
    item = EvidenceFactory(claim=draft, outcome="hip fractures")

    response = while_published(claim, "patch", f"/api/evidence/{item.pk}/", {"claim": claim.slug})

    assert (response.status_code, response.json()) == (400, {"claim": [ITEM_JOINS]})
    assert Evidence.objects.get(pk=item.pk).claim_id == draft.pk
    assert pending_revision(claim) is None


def test_an_item_deleted_from_a_claim_published_before_the_lock_is_staged():
    claim = graded("bmd-spine", "in_review")
    item = EvidenceFactory(claim=claim)

    response = while_published(claim, "delete", f"/api/evidence/{item.pk}/")

    assert response.status_code == 202
    assert Evidence.objects.filter(pk=item.pk).exists()  # live row kept
    assert item.pk not in staged_items(claim)


def test_a_relation_added_to_a_claim_published_before_the_lock_is_staged():
    whole = graded("bone-health")
    claim = graded("bmd-spine", "in_review")
    data = {"to_claim": whole.slug, "kind": "part_of"}

    response = while_published(claim, "post", f"/api/claims/{claim.slug}/relations/", data)

    assert response.status_code == 202
    assert not ClaimRelation.objects.exists()  # no live row
    [staged] = pending_revision(claim).snapshot["relations"]
    assert (staged["to_claim"], staged["kind"]) == (whole.pk, "part_of")


def test_a_relation_changed_on_a_claim_published_before_the_lock_is_staged():
    whole = graded("bone-health")
    claim = graded("bmd-spine", "in_review")
    relation = ClaimRelation.objects.create(from_claim=claim, to_claim=whole, kind="refines")
    url = f"/api/claims/{claim.slug}/relations/{relation.pk}/"

    response = while_published(claim, "patch", url, {"kind": "part_of"})

    assert response.status_code == 202
    assert ClaimRelation.objects.get(pk=relation.pk).kind == "refines"  # live row unchanged
    [staged] = pending_revision(claim).snapshot["relations"]
    assert (staged["to_claim"], staged["kind"]) == (whole.pk, "part_of")


def test_a_relation_deleted_from_a_claim_published_before_the_lock_is_staged():
    whole = graded("bone-health")
    claim = graded("bmd-spine", "in_review")
    relation = ClaimRelation.objects.create(from_claim=claim, to_claim=whole, kind="refines")
    url = f"/api/claims/{claim.slug}/relations/{relation.pk}/"

    response = while_published(claim, "delete", url)

    assert response.status_code == 202
    assert ClaimRelation.objects.filter(pk=relation.pk).exists()  # live row kept
    assert pending_revision(claim).snapshot["relations"] == []


def test_a_claim_changed_while_it_is_published_is_staged_and_stays_published():
    claim = graded("bmd-spine", "in_review")
    client = APIClient()
    client.force_authenticate(CuratorFactory())
    reviewer = CuratorFactory()
    runs, errors = [], []

    def publish_first(execute, sql, params, many, context):
        # Before the first statement that locks or writes the claim (the update's lock).
        writes = "FOR UPDATE" in sql or sql.startswith("UPDATE")
        if not runs and writes and '"claims_claim"' in sql:
            runs.append(True)
            errors.extend(run_together(lambda: claim_publish(claim=claim, actor=reviewer)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(publish_first):
        response = client.patch(
            f"/api/claims/{claim.slug}/", {"statement": "Changed."}, format="json"
        )

    assert errors == []
    assert response.status_code == 202
    stored = Claim.objects.get(pk=claim.pk)
    # Before: 200, the statement live and the status read before the publish saved over it.
    assert (stored.status, stored.statement) == ("published", claim.statement)
    assert pending_revision(claim).snapshot["claim"]["statement"] == "Changed."


def test_two_curators_narrowing_a_pooled_interval_from_both_ends_get_a_field_error():
    """Each change is valid on the claim its curator read (0.4-1.0); together they are not
    (0.9-0.5). The second, checked against the claim as stored once it is locked, is a 400
    with the field's error: not a 500 from the database's check, nor an inverted interval."""
    claim = graded("bmd-spine", "draft")
    Claim.objects.filter(pk=claim.pk).update(pooled_ci_low=0.4, pooled_ci_high=1.0)
    client = APIClient()
    client.force_authenticate(CuratorFactory())

    def other_curator_raises_the_low_end():
        Claim.objects.filter(pk=claim.pk).update(pooled_ci_low=0.9)

    other, errors = before_claim_locks(other_curator_raises_the_low_end)
    with connection.execute_wrapper(other):
        response = client.patch(
            f"/api/claims/{claim.slug}/", {"pooled_ci_high": 0.5}, format="json"
        )

    assert errors == []
    assert response.status_code == 400
    assert "pooled_ci_low" in response.json() or "pooled_ci_high" in response.json()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.pooled_ci_low, stored.pooled_ci_high) == (0.9, 1.0)
