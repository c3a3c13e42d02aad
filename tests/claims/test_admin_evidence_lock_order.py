"""A curator adds an evidence item to a draft in the admin (the claim page's evidence inline)
while the reference it cites is saved, on two PostgreSQL connections (real threads, committed
transactions): neither deadlocks.

Saving a reference locks it, then the claims citing it (claims migration 0010). The admin's
save locks the claim first; the new item's foreign key to its reference is checked, FOR KEY
SHARE, when the save commits (Django's are deferred). Unless the save holds the reference
before its claims, each waits for the other (evidence.services `share_references`).
So does adding a claim (the add view, or "Save as new" on a claim's page) with an item citing
a reference and a relation to a claim citing it too: the save regrades that claim (locks it),
and the new item's foreign key is checked at commit.
"""

import threading

import pytest
from django.test import Client
from django.urls import reverse

from citations.history import save_with_history
from claims import admin as claims_admin
from claims import admin_saving
from claims.models import Claim, ClaimRelation
from tests.claims.test_admin_revisions import form_data
from tests.concurrency import backend_pid, holding_then, run_together, wait_until_blocked
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

NEW = "Spine bone mineral density rises with estrogen therapy."

pytestmark = pytest.mark.django_db(transaction=True)


def test_adding_an_item_in_the_admin_while_its_reference_is_saved(monkeypatch):
    draft = graded("bmd-spine", "draft")
    reference = draft.evidence.get().reference  # cited already: its save locks the draft
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[draft.pk])
    data = form_data(client.get(url))
    row = {k: v for k, v in data.items() if k.startswith("evidence-0-") and k != "evidence-0-id"}
    data.update({k.replace("-0-", "-1-"): v for k, v in row.items()})
    data.update({"evidence-TOTAL_FORMS": "2", "evidence-1-outcome": "hip fractures"})
    responses = []

    def save_reference():
        reference.title = "A corrected title"
        save_with_history(reference)

    lock_claims, save_reference = holding_then(
        admin_saving.claims_lock_with_related, save_reference
    )
    monkeypatch.setattr(admin_saving, "claims_lock_with_related", lock_claims)

    errors = run_together(lambda: responses.append(client.post(url, data)), save_reference)

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert draft.evidence.count() == 2
    reference.refresh_from_db()
    assert reference.title == "A corrected title"


@pytest.mark.parametrize("view", ["add", "save as new"])
def test_adding_a_claim_in_the_admin_while_the_reference_it_cites_is_saved(monkeypatch, view):
    older = graded("bone-health")  # cites the reference: its save locks this claim
    reference = older.evidence.get().reference
    source = graded("bmd-spine", "draft")  # the form copied: it cites and relates the same
    source.evidence.update(reference=reference)
    ClaimRelation.objects.create(from_claim=source, to_claim=older, kind="refines")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[source.pk])
    data = {**form_data(client.get(url)), "statement": NEW, "slug": "bmd-spine-estrogen"}
    if view == "save as new":  # honoured by the change view even where save_as is off
        data["_saveasnew"] = "Save as new"
    else:
        url = reverse("admin:claims_claim_add")
        data = {k: v for k, v in data.items() if not k.endswith(("-id", "-claim", "-from_claim"))}
        data.update({"evidence-INITIAL_FORMS": "0", "relations_from-INITIAL_FORMS": "0"})
    saver_pid, responses = [], []
    regraded, saver_started = threading.Event(), threading.Event()
    regrade = claims_admin.claims_regrade

    def regrade_then_let_the_saver_run(**kwargs):
        regrade(**kwargs)  # holds `older`, which it regrades as the new claim's relation's end
        regraded.set()
        saver_started.wait(timeout=10)
        wait_until_blocked(saver_pid[0])  # the saver now waits for this save

    monkeypatch.setattr(claims_admin, "claims_regrade", regrade_then_let_the_saver_run)

    def save_reference():
        regraded.wait(timeout=10)
        saver_pid.append(backend_pid())
        saver_started.set()
        reference.title = "A corrected title"
        save_with_history(reference)

    errors = run_together(lambda: responses.append(client.post(url, data)), save_reference)

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    added = Claim.objects.get(slug="bmd-spine-estrogen")
    assert added.evidence.get().reference == reference
    assert added.relations_from.get().to_claim == older
    reference.refresh_from_db()
    assert reference.title == "A corrected title"
