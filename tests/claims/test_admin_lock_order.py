"""A curator saves a draft in the admin while a batch regrade locks claims in key order, on two
PostgreSQL connections (real threads, committed transactions): neither deadlocks.

Saving a draft writes its row, then regrades the claims it relates to (a whole is graded
through its parts: ClaimAdmin.save_related). Unless those are locked with it, in key order,
before its row is written, the save holds the draft while waiting for a related claim with a
smaller key that the batch holds, the batch waiting for the draft next (evidence.locks).
A relation added in the inline's new row is locked with them: the save regrades its end too.
The keys locked are those of the rows Django validated and saves, as its form fields read them
(claims.admin_posted): a row Django saves but a reading of the posted data by hand skipped
went unlocked, and a key int() cannot read, in a row marked for deletion, raised (a 500).
Deleting relations in bulk (the changelist's action) locks the ends of them all at once, and
reads the relations after: a claim published before the lock is taken has its relations staged
(and no "deleted" log entry), as the delete view does; relations whose ends move before every
lock are given up on (LOCKS_KEPT_MOVING, the curator's message), nothing deleted or logged.
"""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimRelation
from claims.services import claim_publish
from evidence.locks import LOCK_TRIES, LOCKS_KEPT_MOVING
from evidence.relations import relation_save
from evidence.revisions import pending_revision
from tests.claims.test_admin_revisions import form_data, texts
from tests.concurrency import before_claim_locks, in_key_order_while
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


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    "posted",
    [
        "the first row",
        "its key in Arabic-Indic digits",  # a ModelChoiceField reads "٧" as 7
        "a signed row count",  # an IntegerField reads "+1" as 1
        "row 1000",  # past max_num (1000), within absolute_max (2000): saved too
    ],
)
def test_adding_a_relation_to_a_draft_in_the_admin_while_a_batch_regrade_holds_its_end(posted):
    older = graded("bone-health")  # the smaller key, related by the inline's new row
    draft = graded("bmd-spine", "draft")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[draft.pk])
    row, total, key = 0, "1", str(older.pk)
    if posted == "its key in Arabic-Indic digits":
        key = key.translate(ARABIC_INDIC)
    elif posted == "a signed row count":
        total = "+1"
    elif posted == "row 1000":
        row, total = 1000, "1001"
    data = {
        **form_data(client.get(url)),
        "relations_from-TOTAL_FORMS": total,
        f"relations_from-{row}-to_claim": key,
        f"relations_from-{row}-kind": "refines",
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


def test_deleting_relations_in_bulk_of_a_claim_published_before_the_lock_stages_the_deletion():
    older = graded("bone-health")
    claim = graded("bmd-spine", "in_review")
    relation = ClaimRelation.objects.create(from_claim=claim, to_claim=older, kind="refines")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_changelist")
    data = {"action": "delete_selected", "_selected_action": [relation.pk], "post": "yes"}
    reviewer = CuratorFactory()
    publish, errors = before_claim_locks(lambda: claim_publish(claim=claim, actor=reviewer))

    with connection.execute_wrapper(publish):
        response = client.post(url, data)

    assert errors == []
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "published"
    assert ClaimRelation.objects.filter(pk=relation.pk).exists()  # staged, not deleted
    assert pending_revision(claim).snapshot["relations"] == []
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


@pytest.mark.parametrize(
    ("prefix", "field"),
    [("evidence", "reference"), ("evidence", "covers"), ("relations_from", "to_claim")],
)
def test_a_row_marked_for_deletion_with_a_key_no_field_reads_leaves_the_rest_saved(prefix, field):
    draft = graded("bmd-spine", "draft")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[draft.pk])
    data = form_data(client.get(url))
    row = int(data[f"{prefix}-TOTAL_FORMS"])  # a new row, after the stored ones
    data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
    # Past the digits int() reads (4300): the form fields reject it, the deletion skips it.
    data.update({f"{prefix}-{row}-{field}": "1" * 5000, f"{prefix}-{row}-DELETE": "on"})
    data["statement"] = NEW

    response = client.post(url, data)

    assert response.status_code == 302
    assert Claim.objects.get(pk=draft.pk).statement == NEW


def test_deleting_a_relation_of_a_claim_published_before_the_lock_stages_the_deletion():
    older = graded("bone-health")
    claim = graded("bmd-spine", "in_review")
    relation = ClaimRelation.objects.create(from_claim=claim, to_claim=older, kind="refines")
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_delete", args=[relation.pk])
    reviewer = CuratorFactory()
    publish, errors = before_claim_locks(lambda: claim_publish(claim=claim, actor=reviewer))

    with connection.execute_wrapper(publish):
        response = client.post(url, {"post": "yes"})

    assert errors == []
    assert response.status_code == 302
    assert ClaimRelation.objects.filter(pk=relation.pk).exists()  # staged, not deleted
    assert pending_revision(claim).snapshot["relations"] == []
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_deleting_in_bulk_relations_whose_ends_move_before_every_lock_gives_up():
    draft = graded("bmd-spine", "draft")
    ends = [graded(slug) for slug in ("bone-health", "bmd-hip", "bmd-femur")]
    relation = ClaimRelation.objects.create(from_claim=draft, to_claim=ends[0], kind="refines")
    moves = iter([ends[1], ends[2]] * LOCK_TRIES)
    client = Client()
    client.force_login(CuratorFactory())
    url = reverse("admin:claims_claimrelation_changelist")
    data = {"action": "delete_selected", "_selected_action": [relation.pk], "post": "yes"}

    def move():
        moved = ClaimRelation.objects.get(pk=relation.pk)
        moved.to_claim = next(moves)
        relation_save(relation=moved, actor=None)

    moving, errors = before_claim_locks(move, times=LOCK_TRIES)

    with connection.execute_wrapper(moving):
        response = client.post(url, data)

    assert errors == []
    assert response.status_code == 302
    assert texts(response) == [LOCKS_KEPT_MOVING]
    assert ClaimRelation.objects.filter(pk=relation.pk).exists()
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
