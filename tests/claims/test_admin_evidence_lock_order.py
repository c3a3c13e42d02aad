"""A curator adds an evidence item to a draft in the admin (the claim page's evidence inline)
while the reference it cites is saved, on two PostgreSQL connections (real threads, committed
transactions): neither deadlocks.

Saving a reference locks it, then the claims citing it (claims migration 0010). The admin's
save locks the claim first; the new item's foreign key to its reference is checked, FOR KEY
SHARE, when the save commits (Django's are deferred). Unless the save holds the reference
before its claims, each waits for the other (evidence.services `share_references`).
"""

import threading

import pytest
from django.test import Client
from django.urls import reverse

from citations.history import save_with_history
from claims import admin as claims_admin
from tests.claims.test_admin_revisions import form_data
from tests.concurrency import backend_pid, run_together, wait_until_blocked
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

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
    saver_pid, responses = [], []
    claims_locked, saver_started = threading.Event(), threading.Event()
    lock_claims = claims_admin.claims_lock_with_related

    def lock_claims_then_let_the_saver_run(*args, **kwargs):
        locked = lock_claims(*args, **kwargs)
        claims_locked.set()
        saver_started.wait(timeout=10)
        wait_until_blocked(saver_pid[0])  # the saver now waits for this save
        return locked

    monkeypatch.setattr(
        claims_admin, "claims_lock_with_related", lock_claims_then_let_the_saver_run
    )

    def save_reference():
        claims_locked.wait(timeout=10)
        saver_pid.append(backend_pid())
        saver_started.set()
        reference.title = "A corrected title"
        save_with_history(reference)

    errors = run_together(lambda: responses.append(client.post(url, data)), save_reference)

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert draft.evidence.count() == 2
    reference.refresh_from_db()
    assert reference.title == "A corrected title"
