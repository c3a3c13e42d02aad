"""A superuser deletes claims in the admin while a batch regrade locks claims in key order,
on two PostgreSQL connections (real threads, committed transactions): neither deadlocks.

A deletion that read the table in its physical order would lock a claim with the larger key
first when that row was written last, then wait for the smaller key the batch holds, the
batch waiting for the first next. Django deletes by lists of primary keys, which PostgreSQL
reads through the primary key's index, so in key order; this guards that (the rows are
written so that the table's own order is the other one).
"""

import pytest
from django.contrib.admin import helpers
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from tests.concurrency import in_key_order_while
from tests.factories import UserFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)


def _read_larger_key_first(older: Claim) -> None:
    """Write the older claim's row again: a table scan now reads it after the newer one."""
    Claim.objects.filter(pk=older.pk).update(summary="Read after the newer claim.")


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_deleting_claims_in_bulk_while_a_batch_regrade_holds_them(superuser_client):
    older, newer = graded("bone-health", "draft"), graded("bmd-spine", "draft")
    _read_larger_key_first(older)
    assert list(Claim.objects.values_list("pk", flat=True).order_by()) == [newer.pk, older.pk]
    data = {
        "action": "delete_selected",
        helpers.ACTION_CHECKBOX_NAME: [older.pk, newer.pk],
        "post": "yes",
    }
    responses = []

    errors = in_key_order_while(
        lambda: responses.append(
            superuser_client.post(reverse("admin:claims_claim_changelist"), data)
        ),
        first=older,
        then=newer,
    )

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert not Claim.objects.filter(pk__in=[older.pk, newer.pk]).exists()
