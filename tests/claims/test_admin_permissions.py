"""Admin access: workflow actions need their own permissions; history cannot be reverted."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims.access import WORKFLOW_PERMISSIONS
from claims.models import Claim
from claims.services import claim_retract
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:claims_claim_changelist"
WORKFLOW_ACTIONS = ["submit_for_review", "publish", "return_to_draft", "retract"]


@pytest.fixture
def viewer_client(client):
    """Staff who may view claims (and their history) and nothing else."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_claim", "view_historicalclaim"])
    )
    client.force_login(viewer)
    return client


def ready_claim(**fields):
    claim = ClaimFactory(**fields)
    EvidenceFactory(claim=claim)
    claim_regrade(claim=claim)
    return claim


def history_form_url(claim):
    version = claim.history.earliest()
    return reverse("admin:claims_claim_simple_history", args=[claim.pk, version.history_id])


def claim_post_data(claim, **changes):
    return {
        "statement": claim.statement,
        "slug": claim.slug,
        "population": claim.population,
        "status": "published",
        "grade_override": "",
        "override_rationale": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "relations_from-TOTAL_FORMS": "0",
        "relations_from-INITIAL_FORMS": "0",
        **changes,
    }


def test_curators_group_holds_the_workflow_permissions():
    curator = CuratorFactory()
    for app_label, codename in WORKFLOW_PERMISSIONS:
        assert curator.has_perm(f"{app_label}.{codename}")


def test_view_only_staff_are_offered_no_workflow_action(viewer_client):
    ClaimFactory(status="in_review")
    response = viewer_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    form = response.context["action_form"]  # None when no action at all is offered
    offered = [name for name, _label in form.fields["action"].choices] if form else []
    assert not set(WORKFLOW_ACTIONS) & set(offered)


@pytest.mark.parametrize("action", ["publish", "retract"])
def test_view_only_staff_forging_a_workflow_action_changes_nothing(viewer_client, action):
    in_review = ready_claim(status="in_review", slug="in-review")
    published = ready_claim(status="published", slug="published")
    data = {
        "action": action,
        "_selected_action": [in_review.pk, published.pk],
        "apply": "1",
        "reason": "Forged.",
    }

    viewer_client.post(reverse(CHANGELIST), data)

    assert dict(Claim.objects.values_list("slug", "status")) == {
        "in-review": "in_review",
        "published": "published",
    }


def test_curator_without_publish_permission_cannot_publish_from_the_changelist(client):
    curator = CuratorFactory()
    curator.groups.get().permissions.remove(Permission.objects.get(codename="publish_claim"))
    client.force_login(curator)
    claim = ready_claim(status="in_review")

    client.post(reverse(CHANGELIST), {"action": "publish", "_selected_action": [claim.pk]})

    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_view_only_staff_posting_the_history_form_gets_403_and_nothing_changes(viewer_client):
    claim = ready_claim(status="in_review", summary="As submitted.")
    url = history_form_url(claim)
    assert viewer_client.get(url).status_code == 200

    response = viewer_client.post(url, claim_post_data(claim, summary="Reverted."))

    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.summary) == ("in_review", "As submitted.")


def test_curator_reverting_a_retracted_claim_does_not_unretract_it(curator_client, curator):
    claim = ready_claim(status="published", summary="First words.")
    claim_retract(claim=claim, reason="The key study was withdrawn.", actor=curator)
    url = history_form_url(claim)

    response = curator_client.post(url, claim_post_data(claim, summary="Reverted."))

    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.retraction_reason) == ("retracted", "The key study was withdrawn.")
    assert claim.summary == "First words."


def test_claim_history_is_shown_read_only_to_curators(curator_client):
    claim = ready_claim(status="published")
    response = curator_client.get(history_form_url(claim))
    assert response.status_code == 200
    assert response.context["revert_disabled"] is True


def test_reference_revert_needs_change_permission(client):
    item = EvidenceFactory()
    reference = item.reference
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_reference"))
    client.force_login(viewer)
    version = reference.history.earliest()
    url = reverse(
        "admin:citations_reference_simple_history", args=[reference.pk, version.history_id]
    )

    response = client.post(url, {"citekey": "renamed", "title": "Renamed"})

    assert response.status_code == 403
    reference.refresh_from_db()
    assert reference.citekey != "renamed"


def test_a_curator_without_override_permission_sees_the_override_read_only(client):
    curator = CuratorFactory()
    curator.groups.get().permissions.remove(Permission.objects.get(codename="override_grade"))
    client.force_login(curator)
    claim = ready_claim(status="draft")
    response = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    assert "grade_override" not in response.context["adminform"].form.fields
