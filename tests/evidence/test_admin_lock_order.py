"""Evidence items written in their admin while another writer locks the same rows, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

Deleting items in bulk (the changelist's action) while a batch regrade locks claims in key
order: each deletion locks its item's claim; item by item, a later item's claim with a smaller
key would be locked after an earlier one's (evidence.locks).

The items are read after their claims are locked: an item moved to another claim before the
lock is taken is deleted from that claim, which is locked and regraded; an item of a claim
published before the lock has its deletion staged, and no "deleted" log entry. Items that move
before every lock are given up on (LOCKS_KEPT_MOVING): the curator reads why, and neither a row
nor a log entry changed (Django's deletions log before they delete), in bulk or one by one.
In the delete view too, the item is read again once its claim is locked: one moved meanwhile
regrades its new claim, one deleted meanwhile is the curator's message, not a server error.

Saving an item that pools a study (`covers`) while that study's reference is saved: saving a
reference locks it, then the claims citing it (claims migration 0010); the admin adds the
pooled studies after the item, its claim locked, and their foreign keys are checked at commit
(FOR KEY SHARE). Unless the save holds them before the claim, each waits for the other.
And it holds them with the item's own reference, in one statement: an import locks the
references it updates in key order (FOR UPDATE); held one set after the other, the item's
reference (a smaller key) after a study, each waited for the other.
"""

import threading

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from citations.history import save_with_history
from citations.importing.writers import lock_in_order
from claims.models import Claim
from claims.services import claim_publish
from evidence import admin as evidence_admin
from evidence import services
from evidence.locks import LOCK_TRIES, LOCKS_KEPT_MOVING
from evidence.models import Evidence
from evidence.revisions import pending_revision
from evidence.services import claim_regrade, evidence_update
from tests.claims.test_admin_revisions import form_data, texts
from tests.concurrency import (
    backend_pid,
    before_claim_locks,
    holding_then,
    in_key_order_while,
    run_together,
    wait_until_blocked,
)
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, ReferenceFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_items_of_two_drafts_in_bulk_while_a_batch_regrade_holds_the_smaller():
    first = graded("bone-health", "draft")  # the smaller key
    last = graded("bmd-spine", "draft")
    EvidenceFactory(claim=first)
    EvidenceFactory(claim=last)  # deleted first: the changelist lists the newest item first
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_changelist")
    selected = list(Evidence.objects.filter(claim__in=[first, last]).values_list("pk", flat=True))
    data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    responses = []

    errors = in_key_order_while(
        lambda: responses.append(client.post(url, data)), first=first, then=last
    )

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert not Evidence.objects.filter(claim__in=[first, last]).exists()


def test_deleting_in_bulk_an_item_moved_to_another_claim_before_the_lock_regrades_that_claim():
    first = graded("bone-health", "draft")
    other = ClaimFactory(status="draft", slug="bmd-spine")
    claim_regrade(claim=other)
    without = Claim.objects.get(pk=other.pk).grade_level  # with no evidence
    item = first.evidence.get()
    assert first.grade_level != without
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_changelist")
    data = {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"}
    move, errors = before_claim_locks(lambda: evidence_update(evidence=item, claim=other))

    with connection.execute_wrapper(move):
        response = client.post(url, data)

    assert errors == []
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert Claim.objects.get(pk=other.pk).grade_level == without  # regraded without it


@pytest.mark.parametrize("view", ["bulk", "delete view"])
def test_deleting_items_that_move_before_every_lock_gives_up_and_logs_nothing(view):
    first = graded("bone-health", "draft")
    other = graded("bmd-spine", "draft")
    item = first.evidence.get()
    claims = iter([other, first] * LOCK_TRIES)
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_changelist")
    data = {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"}
    if view == "delete view":
        url, data = reverse("admin:evidence_evidence_delete", args=[item.pk]), {"post": "yes"}

    def move():
        evidence_update(evidence=Evidence.objects.get(pk=item.pk), claim=next(claims))

    moving, errors = before_claim_locks(move, times=LOCK_TRIES)

    with connection.execute_wrapper(moving):
        response = client.post(url, data)

    assert errors == []
    assert response.status_code == 302
    assert texts(response) == [LOCKS_KEPT_MOVING]
    assert Evidence.objects.filter(pk=item.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_deleting_in_bulk_an_item_of_a_claim_published_before_the_lock_logs_no_deletion():
    claim = graded("bmd-spine", "in_review")
    item = EvidenceFactory(claim=claim, outcome="hip fractures")  # one item is kept
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_changelist")
    data = {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"}
    reviewer = CuratorFactory()
    publish, errors = before_claim_locks(lambda: claim_publish(claim=claim, actor=reviewer))

    with connection.execute_wrapper(publish):
        response = client.post(url, data)

    assert errors == []
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "published"
    assert Evidence.objects.filter(pk=item.pk).exists()  # staged, not deleted
    assert item.pk not in [i["id"] for i in pending_revision(claim).snapshot["evidence"]]
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_pooling_a_study_in_the_admin_while_its_reference_is_saved(monkeypatch):
    draft = graded("bmd-spine", "draft")
    study = draft.evidence.get().reference  # cited by the draft: its save locks the draft
    pooled = EvidenceFactory(claim=draft, outcome="hip fractures")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_change", args=[pooled.pk])
    data = {**form_data(client.get(url)), "covers": [str(study.pk)]}
    responses = []

    def save_reference():
        study.title = "A corrected title"
        save_with_history(study)

    lock_claims, save_reference = holding_then(services.claims_lock, save_reference)
    monkeypatch.setattr(services, "claims_lock", lock_claims)

    errors = run_together(lambda: responses.append(client.post(url, data)), save_reference)

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert list(pooled.covers.all()) == [study]
    study.refresh_from_db()
    assert study.title == "A corrected title"


def test_pooling_a_study_with_a_larger_key_than_the_items_reference_while_an_import_locks_both(
    monkeypatch,
):
    draft = graded("bmd-spine", "draft")
    pooled = EvidenceFactory(claim=draft, outcome="hip fractures")
    study = ReferenceFactory()
    assert pooled.reference_id < study.pk
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_change", args=[pooled.pk])
    data = {**form_data(client.get(url)), "covers": [str(study.pk)]}
    importer_pid, responses = [], []
    held, importer_started = threading.Event(), threading.Event()
    share = evidence_admin.share_references

    def share_then_let_the_importer_run(reference_ids):
        share(reference_ids)
        held.set()
        importer_started.wait(timeout=10)
        wait_until_blocked(importer_pid[0])  # the importer now waits for this save

    monkeypatch.setattr(evidence_admin, "share_references", share_then_let_the_importer_run)

    def import_both():
        held.wait(timeout=10)
        importer_pid.append(backend_pid())
        importer_started.set()
        with transaction.atomic():
            lock_in_order([pooled.reference_id, study.pk])

    errors = run_together(lambda: responses.append(client.post(url, data)), import_both)

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert list(pooled.covers.all()) == [study]


def test_deleting_in_its_view_an_item_moved_to_another_claim_before_the_lock_regrades_that_claim():
    first = graded("bone-health", "draft")
    other = ClaimFactory(status="draft", slug="bmd-spine")
    claim_regrade(claim=other)
    without = Claim.objects.get(pk=other.pk).grade_level  # with no evidence
    item = first.evidence.get()
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_delete", args=[item.pk])
    move, errors = before_claim_locks(lambda: evidence_update(evidence=item, claim=other))

    with connection.execute_wrapper(move):
        response = client.post(url, {"post": "yes"})

    assert errors == []
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert Claim.objects.get(pk=other.pk).grade_level == without  # regraded without it


def test_deleting_in_its_view_an_item_deleted_meanwhile_says_so():
    claim = graded("bone-health", "draft")
    item = claim.evidence.get()
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:evidence_evidence_delete", args=[item.pk])
    gone, errors = before_claim_locks(lambda: Evidence.objects.filter(pk=item.pk).delete())

    with connection.execute_wrapper(gone):
        response = client.post(url, {"post": "yes"}, follow=True)

    assert errors == []
    assert response.status_code == 200
    # One deletion in the item's history, the other connection's (none blames this curator).
    assert Evidence.history.filter(id=item.pk, history_type="-").count() == 1
    assert any("had already been deleted" in text for text in texts(response))
