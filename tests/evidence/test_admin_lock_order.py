"""Deleting evidence items in bulk in the admin (the changelist's action) while a batch regrade
locks claims in key order, on two PostgreSQL connections (real threads, committed
transactions): neither deadlocks. Each deletion locks its item's claim; item by item, a later
item's claim with a smaller key would be locked after an earlier one's (evidence.locks).
"""

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import Evidence
from tests.concurrency import in_key_order_while
from tests.factories import CuratorFactory, EvidenceFactory
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
