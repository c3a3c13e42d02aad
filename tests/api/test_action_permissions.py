"""Each workflow action and the import's update mode checks its own permission, not the
"add" permission that a POST would otherwise ask for."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from citations.models import Reference
from citations.services import UPDATE_NEEDS_CHANGE, reference_import_bibtex
from claims.models import Claim
from evidence.services import claim_regrade
from tests.factories import ReferenceFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD_ONLY = ["add_claim", "add_reference", "add_evidence", "add_topic", "add_contributor"]
RETRACT = ("retract/", {"reason": "Forged."})
OVERRIDE = ("override-grade/", {"level": "high", "rationale": "Because I can."})
PUBLISH = ("publish/", {})
RETURN = ("return-to-draft/", {})
BIBTEX = b"@article{x2020,\n  title = {New title},\n  year = {2020},\n  doi = {10.1000/x.1}\n}\n"


def client_with(*codenames: str) -> APIClient:
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def adder():
    """A user who holds every "add" permission and reads claims, but nothing more."""
    return client_with(*ADD_ONLY, "view_claim")


def in_review(library):
    claim = library["claim"]
    Claim.objects.filter(pk=claim.pk).update(status="in_review")
    claim_regrade(claim=claim)
    return claim


def post(client, claim, step):
    path, data = step
    return client.post(f"/api/claims/{claim.slug}/{path}", data, format="json")


@pytest.mark.parametrize("step", [RETRACT, OVERRIDE, PUBLISH, RETURN])
def test_a_user_with_only_add_permissions_cannot_run_workflow_actions(adder, library, step):
    claim = library["claim"]
    if step in (PUBLISH, RETURN):
        claim = in_review(library)
    before = Claim.objects.values_list("status", "grade_override", "retraction_reason").get(
        pk=claim.pk
    )

    response = post(adder, claim, step)

    assert response.status_code == 403
    after = Claim.objects.values_list("status", "grade_override", "retraction_reason")
    assert after.get(pk=claim.pk) == before


def test_override_grade_needs_the_override_permission(library):
    client = client_with("view_claim", "override_grade")
    response = post(client, library["claim"], OVERRIDE)
    assert response.status_code == 200
    assert Claim.objects.get(pk=library["claim"].pk).grade_override == "high"


def test_publish_and_return_to_draft_need_the_publish_permission(library):
    claim = in_review(library)
    client = client_with("view_claim", "publish_claim")
    assert post(client, claim, RETURN).json()["status"] == "draft"
    Claim.objects.filter(pk=claim.pk).update(status="in_review")
    assert post(client, claim, PUBLISH).json()["status"] == "published"


def test_retract_needs_the_retract_permission(library):
    client = client_with("view_claim", "retract_claim")
    assert post(client, library["claim"], RETRACT).json()["status"] == "retracted"


def test_publish_permission_does_not_allow_retracting(library):
    client = client_with("view_claim", "publish_claim", *ADD_ONLY)
    assert post(client, library["claim"], RETRACT).status_code == 403


def test_import_update_mode_needs_change_permission(adder):
    stored = ReferenceFactory(citekey="stored2020", doi="10.1000/x.1", title="Old title")
    url = "/api/references/import/?on_duplicate=update"

    response = adder.post(url, BIBTEX, content_type="application/x-bibtex")

    assert response.status_code == 403
    assert response.json() == {"detail": UPDATE_NEEDS_CHANGE}
    stored.refresh_from_db()
    assert stored.title == "Old title"


def test_import_update_mode_works_with_change_permission():
    ReferenceFactory(citekey="stored2020", doi="10.1000/x.1", title="Old title")
    client = client_with("add_reference", "change_reference", "add_contributor")
    url = "/api/references/import/?on_duplicate=update"

    response = client.post(url, BIBTEX, content_type="application/x-bibtex")

    assert response.status_code == 200, response.json()
    assert Reference.objects.get(citekey="stored2020").title == "New title"


def test_import_of_new_references_needs_only_add_permission(adder):
    response = adder.post("/api/references/import/", BIBTEX, content_type="application/x-bibtex")
    assert response.status_code == 201
    assert Reference.objects.filter(doi="10.1000/x.1").exists()


def test_every_import_entry_point_needs_change_permission_to_update():
    """The rule lives in the service the admin, the API and the command share."""
    stored = ReferenceFactory(citekey="stored2020", doi="10.1000/x.1", title="Old title")
    adder = UserFactory()
    adder.user_permissions.add(*Permission.objects.filter(codename="add_reference"))

    with pytest.raises(PermissionDenied, match=UPDATE_NEEDS_CHANGE):
        reference_import_bibtex(data=BIBTEX, on_duplicate="update", user=adder)

    stored.refresh_from_db()
    assert stored.title == "Old title"
    command_line = reference_import_bibtex(data=BIBTEX, on_duplicate="update", user=None)
    assert command_line.result.updated == 1
