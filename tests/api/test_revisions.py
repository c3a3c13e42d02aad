"""Staged revisions on the API: a write to a public claim answers 202 with the pending
revision; readers, exports and the page cache keep the published version until another
curator approves it. The reader path costs no extra query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims.models import Claim, ClaimRevision
from claims.services import AUTHOR_CANNOT_PUBLISH
from evidence.models import Evidence
from evidence.revisions import AUTHOR_CANNOT_APPROVE, ITEM_JOINS, ITEM_STAYS
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, CuratorFactory

pytestmark = pytest.mark.django_db
URL = "/api/claims/prko-bone-mass/"
OLD = "PRKO mice have high bone mass."
NEW = "PRKO mice have LOW bone mass."


def test_patch_of_a_published_claim_is_staged_and_readers_keep_the_old_text(
    curator_api, anon, library
):
    response = curator_api.patch(URL, {"statement": NEW}, format="json")

    assert response.status_code == 202
    revision = response.json()
    assert (revision["claim"], revision["status"]) == ("prko-bone-mass", "pending")
    assert revision["changes"][0]["label"] == "Statement"
    assert (revision["changes"][0]["live"], revision["changes"][0]["pending"]) == (OLD, NEW)
    assert {"kind": "added", "text": "LOW"} in revision["changes"][0]["diff"]
    assert anon.get(URL).json()["statement"] == OLD
    assert Claim.objects.get(slug="prko-bone-mass").statement == OLD


def bibtex(client) -> str:
    return b"".join(client.get(URL, {"format": "bibtex"}).streaming_content).decode()


def test_the_bibtex_export_keeps_the_published_evidence_until_approval(
    curator_api, reviewer_api, anon, library
):
    rickard = Evidence.objects.get(reference__citekey="rickard2008progesterone")
    staged = curator_api.delete(f"/api/evidence/{rickard.pk}/")
    assert staged.status_code == 202

    assert "@article{rickard2008progesterone," in bibtex(anon)
    assert Evidence.objects.filter(pk=rickard.pk).exists()

    reviewer_api.post(f"{URL}revisions/{staged.json()['id']}/approve/")
    assert "rickard2008progesterone" not in bibtex(anon)
    assert "prior1990progesterone" in bibtex(anon)


def test_the_author_cannot_approve_and_another_curator_can(
    curator_api, reviewer_api, anon, library
):
    number = curator_api.patch(URL, {"statement": NEW}, format="json").json()["id"]
    approve = f"{URL}revisions/{number}/approve/"

    refused = curator_api.post(approve)
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [AUTHOR_CANNOT_APPROVE]}
    assert anon.get(URL).json()["statement"] == OLD

    approved = reviewer_api.post(approve)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert anon.get(URL).json()["statement"] == NEW


def test_evidence_patch_of_a_published_claim_is_staged_then_approved(
    curator_api, reviewer_api, anon, library
):
    item = Evidence.objects.get(reference__citekey="rickard2008progesterone")
    url = f"/api/evidence/{item.pk}/"
    change = {"stance": "contradicts", "risk_of_bias": "high", "effect_value": 2.0}

    staged = curator_api.patch(url, change, format="json")

    assert staged.status_code == 202
    assert anon.get(url).json()["stance"] == "supports"
    labels = {c["label"] for c in staged.json()["changes"]}
    assert any(
        label.startswith("Evidence rickard2008progesterone") and label.endswith(": Stance")
        for label in labels
    )
    reviewer_api.post(f"{URL}revisions/{staged.json()['id']}/approve/")
    assert {k: anon.get(url).json()[k] for k in change} == {**change, "effect_value": 2.0}
    assert anon.get(URL).json()["grade_direction"] == "contradicted"


def test_bad_input_to_a_published_claim_is_400_and_stages_nothing(curator_api, library):
    item = Evidence.objects.get(reference__citekey="rickard2008progesterone")
    bad = curator_api.patch(f"/api/evidence/{item.pk}/", {"ci_low": 1.0}, format="json")
    assert bad.status_code == 400
    assert curator_api.patch(URL, {"statement": ""}, format="json").status_code == 400
    assert not ClaimRevision.objects.exists()


def test_a_draft_is_still_edited_live(curator_api, library):
    response = curator_api.patch("/api/claims/secret-draft/", {"statement": NEW}, format="json")
    assert response.status_code == 200
    assert Claim.objects.get(slug="secret-draft").statement == NEW


def test_discard_and_revision_history_name_who_wrote_and_who_decided(
    reviewer_api, reviewer, library
):
    curator = CuratorFactory()
    curator_api = APIClient()
    curator_api.force_authenticate(curator)
    first = curator_api.patch(URL, {"statement": NEW}, format="json").json()["id"]
    reviewer_api.post(f"{URL}revisions/{first}/discard/")
    second = curator_api.patch(URL, {"summary": "Mice."}, format="json").json()["id"]
    reviewer_api.post(f"{URL}revisions/{second}/approve/")

    history = curator_api.get(f"{URL}revisions/").json()

    assert [(r["id"], r["status"], r["authors"], r["decided_by"]) for r in history] == [
        (second, "approved", [curator.username], reviewer.username),
        (first, "discarded", [curator.username], reviewer.username),
    ]


def test_readers_cannot_see_or_decide_revisions(anon, library):
    assert anon.get(f"{URL}revisions/").status_code in (401, 403)
    assert anon.patch(URL, {"statement": NEW}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(
    ("url", "limit"),
    [("/claims/prko-bone-mass/", 8), ("/claims/", 7), (URL, 6), ("/api/claims/", 3)],
)
def test_a_pending_revision_adds_no_query_to_the_reader_path(
    client, curator_api, library, django_assert_max_num_queries, url, limit
):
    claim_regrade(claim=library["claim"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    assert curator_api.patch(URL, {"statement": NEW}, format="json").status_code == 202
    with django_assert_max_num_queries(min(limit, before)):
        response = client.get(url)
    assert NEW not in response.content.decode()
    assert OLD in response.content.decode()
    assert count() == before


def test_who_wrote_a_claim_cannot_publish_it_though_another_submitted_it(anon, library):
    writer, submitter, reviewer = (APIClient() for _ in range(3))
    for client in (writer, submitter, reviewer):
        client.force_authenticate(CuratorFactory())
    writer.post("/api/claims/", {"statement": "New.", "slug": "new"}, format="json")
    evidence = {
        "claim": "new",
        "reference": "hidden2021draft",
        "stance": "supports",
        "design": "rct",
        "population": "humans",
    }
    assert writer.post("/api/evidence/", evidence, format="json").status_code == 201
    assert submitter.post("/api/claims/new/submit/").status_code == 200

    refused = writer.post("/api/claims/new/publish/")

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [AUTHOR_CANNOT_PUBLISH]}
    assert reviewer.post("/api/claims/new/publish/").status_code == 200


def test_an_item_moves_neither_onto_nor_off_a_public_claim(curator_api, anon, library):
    hidden = Evidence.objects.get(reference__citekey="hidden2021draft")
    rickard = Evidence.objects.get(reference__citekey="rickard2008progesterone")

    onto = curator_api.patch(
        f"/api/evidence/{hidden.pk}/", {"claim": "prko-bone-mass"}, format="json"
    )
    off = curator_api.patch(
        f"/api/evidence/{rickard.pk}/", {"claim": "secret-draft"}, format="json"
    )

    assert (onto.status_code, onto.json()) == (400, {"claim": [ITEM_JOINS]})
    assert (off.status_code, off.json()) == (400, {"claim": [ITEM_STAYS]})
    assert Evidence.objects.get(pk=hidden.pk).claim.slug == "secret-draft"
    assert Evidence.objects.get(pk=rickard.pk).claim.slug == "prko-bone-mass"
    assert "hidden2021draft" not in bibtex(anon)  # never read on the public claim
    assert not ClaimRevision.objects.exists()


def test_an_item_still_moves_between_drafts(curator_api, library):
    hidden = Evidence.objects.get(reference__citekey="hidden2021draft")
    ClaimFactory(slug="other-draft", status="draft")

    moved = curator_api.patch(
        f"/api/evidence/{hidden.pk}/", {"claim": "other-draft"}, format="json"
    )

    assert moved.status_code == 200
    assert Evidence.objects.get(pk=hidden.pk).claim.slug == "other-draft"
