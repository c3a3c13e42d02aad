"""A curator saves a claim's change form read before another curator moved the claim through
the workflow, on two PostgreSQL connections (real threads, committed transactions).

The form's claim is read before the save locks it (claims.admin_saving): a claim published
in between has the change staged as its pending revision (four eyes), and stays published;
a claim returned to draft in between keeps its status. A save that decided from the first
reading wrote the change live and wrote the status it had read back over the step. A live
save writes only the fields the curator changed: the others, read before the lock, would undo
what another curator wrote in between (an override, the workflow's fields) and blame this one.
"""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.admin_revisions import STAGED
from claims.models import Claim
from claims.services import claim_override_grade, claim_publish, claim_return_to_draft
from evidence.revisions import pending_revision
from tests.claims.test_admin_revisions import form_data, texts
from tests.concurrency import before_claim_locks
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db(transaction=True)
NEW = "Spine bone mineral density rises with estrogen therapy."


def post_while(claim, step, curator=None) -> tuple:
    """Post the claim's change form with a new statement, `step` running on another
    connection just before the save locks the claim; the response and `step`'s errors."""
    client = Client()
    client.force_login(curator or CuratorFactory())
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = {**form_data(client.get(url)), "statement": NEW}
    wrapper, errors = before_claim_locks(step)
    with connection.execute_wrapper(wrapper):
        response = client.post(url, data)
    return response, errors


def test_saving_a_claim_published_after_its_form_was_read_stages_the_change():
    claim = graded("bmd-spine", "in_review")
    reviewer = CuratorFactory()

    response, errors = post_while(claim, lambda: claim_publish(claim=claim, actor=reviewer))

    assert errors == []
    assert response.status_code == 302
    assert STAGED in texts(response)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.statement) == ("published", claim.statement)
    assert stored.published_at is not None
    assert pending_revision(stored).snapshot["claim"]["statement"] == NEW


def test_saving_a_claim_returned_to_draft_after_its_form_was_read_keeps_it_a_draft():
    claim = graded("bmd-spine", "in_review")
    reviewer = CuratorFactory()

    response, errors = post_while(claim, lambda: claim_return_to_draft(claim=claim, actor=reviewer))

    assert errors == []
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.statement) == ("draft", NEW)
    assert pending_revision(stored) is None


def test_saving_a_statement_keeps_an_override_set_after_the_form_was_read():
    claim = graded("bmd-spine", "draft")
    author, other = CuratorFactory(), CuratorFactory()

    def override():
        claim_override_grade(claim=claim, level="low", rationale="One small trial.", actor=other)

    response, errors = post_while(claim, override, curator=author)

    assert errors == []
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.statement, stored.grade_override) == (NEW, "low")
    assert stored.override_rationale == "One small trial."
    latest = stored.history.order_by("-history_id").first()
    assert (latest.history_user, latest.statement, latest.grade_override) == (author, NEW, "low")


def test_saving_a_statement_keeps_workflow_fields_written_after_the_form_was_read():
    claim = graded("bmd-spine", "draft")
    author, other = CuratorFactory(), CuratorFactory()
    reviewed = claim.updated

    def review():
        Claim.objects.filter(pk=claim.pk).update(curator=other, reviewed_at=reviewed)

    response, errors = post_while(claim, review, curator=author)

    assert errors == []
    assert response.status_code == 302
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.statement, stored.curator, stored.reviewed_at) == (NEW, other, reviewed)
    latest = stored.history.order_by("-history_id").first()
    assert (latest.history_user, latest.curator, latest.reviewed_at) == (author, other, reviewed)
