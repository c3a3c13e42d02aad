"""Relations on the API (`/api/claims/<slug>/relations/`): on a public claim each write is
staged (202 with the pending revision) like an evidence write; readers keep the published
relations and grades until another curator approves. A draft's relations are written at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, ClaimRelation, ClaimRevision
from evidence.relations import relation_save
from evidence.revisions import AUTHOR_CANNOT_APPROVE, RELATION_TO_ITSELF
from evidence.services import claim_regrade
from evidence.wording import COMPOUND
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db
PART = "/api/claims/prko-bone-mass/"
WHOLE = "/api/claims/bone-health/"
PART_OF_WHOLE = {"to_claim": "bone-health", "kind": "part_of", "note": "Mice."}


@pytest.fixture
def whole(library):
    claim = ClaimFactory(slug="bone-health", statement="Progesterone is good for bone.")
    EvidenceFactory(claim=claim, risk_of_bias="low", sample_size=1000)
    claim_regrade(claim=claim)
    claim_regrade(claim=library["claim"])
    return Claim.objects.get(pk=claim.pk)


def reader_view(anon) -> tuple:
    api = anon.get(WHOLE).json()
    page = anon.get("/claims/bone-health/").content.decode()
    return api["grade_level"], api["plain_language"], COMPOUND in page


def test_a_part_of_posted_to_a_published_claim_waits_for_a_second_curator(
    curator_api, reviewer_api, anon, whole
):
    before = reader_view(anon)
    assert before[0] not in ("", "not_graded")

    staged = curator_api.post(f"{PART}relations/", PART_OF_WHOLE, format="json")

    assert staged.status_code == 202
    revision = staged.json()
    assert (revision["claim"], revision["status"]) == ("prko-bone-mass", "pending")
    [change] = revision["changes"]
    assert (change["label"], change["pending"]) == (
        "Relation: Part of bone-health: added",
        "Part of bone-health: Mice.",
    )
    assert not ClaimRelation.objects.exists()
    assert reader_view(anon) == before
    assert curator_api.get(f"{PART}relations/").json() == []  # the live relations

    approve = f"{PART}revisions/{revision['id']}/approve/"
    refused = curator_api.post(approve)
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [AUTHOR_CANNOT_APPROVE]}
    assert reader_view(anon) == before

    assert reviewer_api.post(approve).status_code == 200
    assert reader_view(anon) == ("not_graded", COMPOUND, True)
    [relation] = curator_api.get(f"{PART}relations/").json()
    assert {k: relation[k] for k in PART_OF_WHOLE} == PART_OF_WHOLE


def test_patch_and_delete_of_a_published_claim_s_relation_are_staged(
    curator_api, reviewer_api, library, whole
):
    relation = relation_save(
        relation=ClaimRelation(from_claim=library["claim"], to_claim=whole, kind="refines"),
        actor=None,
    )
    url = f"{PART}relations/{relation.pk}/"

    patched = curator_api.patch(url, {"kind": "part_of"}, format="json")

    assert patched.status_code == 202
    assert ClaimRelation.objects.get().kind == "refines"
    labels = [c["label"] for c in patched.json()["changes"]]
    assert labels == ["Relation: Part of bone-health: Kind"]
    deleted = curator_api.delete(url)
    assert deleted.status_code == 202
    assert deleted.json()["id"] == patched.json()["id"]  # one pending revision
    assert ClaimRelation.objects.filter(pk=relation.pk).exists()

    reviewer_api.post(f"{PART}revisions/{deleted.json()['id']}/approve/")
    assert not ClaimRelation.objects.exists()


def test_a_draft_s_relation_is_written_at_once(curator_api, library, whole):
    created = curator_api.post(
        "/api/claims/secret-draft/relations/", {"to_claim": "bone-health", "kind": "refines"}
    )
    assert created.status_code == 201
    relation = ClaimRelation.objects.get()
    assert created.json() == {
        "id": relation.pk,
        "from_claim": "secret-draft",
        "to_claim": "bone-health",
        "kind": "refines",
        "note": "",
    }
    url = f"/api/claims/secret-draft/relations/{relation.pk}/"
    assert curator_api.patch(url, {"note": "Why."}, format="json").json()["note"] == "Why."
    assert curator_api.delete(url).status_code == 204
    assert not ClaimRelation.objects.exists()
    assert not ClaimRevision.objects.exists()


def test_bad_relations_are_400_and_stage_nothing(curator_api, whole):
    to_itself = {"to_claim": "prko-bone-mass", "kind": "part_of"}
    refused = curator_api.post(f"{PART}relations/", to_itself, format="json")
    assert refused.status_code == 400
    assert RELATION_TO_ITSELF in str(refused.json())
    unknown = curator_api.post(f"{PART}relations/", {**PART_OF_WHOLE, "kind": "cites"})
    assert unknown.status_code == 400
    assert not ClaimRevision.objects.exists()
    assert curator_api.patch(f"{PART}relations/999999/", {"note": "x"}).status_code == 404


def test_readers_cannot_read_or_write_relations(anon, whole):
    assert anon.get(f"{PART}relations/").status_code in (401, 403)
    assert anon.post(f"{PART}relations/", PART_OF_WHOLE, format="json").status_code in (401, 403)
    assert not ClaimRelation.objects.exists()


@pytest.mark.parametrize(
    ("url", "limit"),
    [("/claims/bone-health/", 8), ("/claims/", 7), (WHOLE, 6), ("/api/claims/", 3)],
)
def test_a_pending_relation_adds_no_query_to_the_reader_path(
    client, curator_api, whole, django_assert_max_num_queries, url, limit
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    staged = curator_api.post(f"{PART}relations/", PART_OF_WHOLE, format="json")
    assert staged.status_code == 202
    with django_assert_max_num_queries(min(limit, before)):
        response = client.get(url)
    assert COMPOUND not in response.content.decode()
    assert count() == before
