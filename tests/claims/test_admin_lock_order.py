"""A curator saves a draft in the admin while a batch regrade locks claims in key order, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

Saving a draft writes its row, then regrades the claims it relates to (a whole is graded
through its parts: ClaimAdmin.save_related). Unless those are locked with it, in key order,
before its row is written, the save holds the draft while waiting for a related claim with a
smaller key that the batch holds, the batch waiting for the draft next (evidence.locks).
A relation added in the inline's new row is locked with them: the save regrades its end too.
Deleting relations in bulk (the changelist's action) locks the ends of them all at once.
"""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from claims.admin_relations import posted_relation_ends
from claims.models import Claim, ClaimRelation
from tests.claims.test_admin_revisions import form_data
from tests.concurrency import in_key_order_while
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)
NEW = "Spine bone mineral density rises with estrogen therapy."


def test_saving_a_related_draft_in_the_admin_while_a_batch_regrade_holds_what_it_refines():
    older = graded("bone-health")  # the smaller key
    draft = graded("bmd-spine", "draft")
    ClaimRelation.objects.create(from_claim=draft, to_claim=older, kind="refines")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[draft.pk])
    data = {**form_data(client.get(url)), "statement": NEW}
    responses = []

    errors = in_key_order_while(
        lambda: responses.append(client.post(url, data)), first=older, then=draft
    )

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert Claim.objects.get(pk=draft.pk).statement == NEW


def test_adding_a_relation_to_a_draft_in_the_admin_while_a_batch_regrade_holds_its_end():
    older = graded("bone-health")  # the smaller key, related by the inline's new row
    draft = graded("bmd-spine", "draft")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[draft.pk])
    data = {
        **form_data(client.get(url)),
        "relations_from-TOTAL_FORMS": "1",
        "relations_from-0-to_claim": str(older.pk),
        "relations_from-0-kind": "refines",
    }
    responses = []

    errors = in_key_order_while(
        lambda: responses.append(client.post(url, data)), first=older, then=draft
    )

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert draft.relations_from.get().to_claim == older


def test_deleting_relations_in_bulk_while_a_batch_regrade_holds_an_end_of_the_last_one():
    first = graded("bone-health")  # the smallest key
    second = graded("bmd-hip", "draft")
    third = graded("bmd-femur", "draft")
    last = graded("bmd-spine", "draft")  # the largest key
    ClaimRelation.objects.create(from_claim=second, to_claim=first, kind="refines")
    # Deleted first: the changelist lists (and deletes) the newest relation first.
    ClaimRelation.objects.create(from_claim=last, to_claim=third, kind="refines")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_changelist")
    selected = list(ClaimRelation.objects.values_list("pk", flat=True))
    data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    responses = []

    errors = in_key_order_while(
        lambda: responses.append(client.post(url, data)), first=first, then=last
    )

    assert errors == []
    assert [response.status_code for response in responses] == [302]
    assert not ClaimRelation.objects.exists()


def test_the_posted_relation_ends_are_the_inline_rows_claims_not_its_blank_template():
    post = QueryDict(mutable=True)
    post.update({"relations_from-TOTAL_FORMS": "3", "relations_from-0-kind": "refines"})
    post.update({"relations_from-0-to_claim": "7", "relations_from-2-to_claim": " 8 "})
    post.update({"relations_from-1-to_claim": "", "relations_from-__prefix__-to_claim": ""})
    post.update({"evidence-0-reference": "9", "statement": "12"})

    assert posted_relation_ends(post) == {7, 8}


@pytest.mark.parametrize(
    "rows",
    [
        {"relations_from-TOTAL_FORMS": "1", "relations_from-0-to_claim": "²"},  # a digit to isdigit
        {"relations_from-TOTAL_FORMS": "1", "relations_from-99-to_claim": "5"},  # not a counted row
        {"relations_from-TOTAL_FORMS": "x", "relations_from-0-to_claim": "5"},
        {"relations_from-0-to_claim": "5"},  # no management form
    ],
)
def test_posted_relation_ends_read_only_counted_rows_of_ascii_keys(rows):
    post = QueryDict(mutable=True)
    post.update(rows)

    assert posted_relation_ends(post) == set()
