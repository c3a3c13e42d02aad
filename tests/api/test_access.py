"""Who may do what: anonymous and staff read what is public, curators read and write all."""

import pytest

from claims.models import Claim, Topic
from config.api.exceptions import PROTECTED
from evidence.models import Evidence

pytestmark = pytest.mark.django_db

LISTS = ["/api/claims/", "/api/references/", "/api/evidence/", "/api/topics/"]


def details(library):
    evidence = library["claim"].evidence.first()
    return [
        "/api/claims/prko-bone-mass/",
        "/api/references/rickard2008progesterone/",
        f"/api/evidence/{evidence.pk}/",
        "/api/topics/bone/",
    ]


@pytest.mark.parametrize("client_name", ["anon", "staff_api", "curator_api"])
def test_everyone_reads_every_list_and_detail(request, library, client_name):
    client = request.getfixturevalue(client_name)

    for url in LISTS + details(library):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("client_name", ["anon", "staff_api"])
def test_drafts_and_what_only_drafts_cite_are_invisible(request, library, client_name):
    client = request.getfixturevalue(client_name)
    draft_evidence = library["draft"].evidence.get()

    assert client.get("/api/claims/secret-draft/").status_code == 404
    assert client.get("/api/references/hidden2021draft/").status_code == 404
    assert client.get(f"/api/evidence/{draft_evidence.pk}/").status_code == 404
    assert [c["slug"] for c in client.get("/api/claims/").json()["results"]] == ["prko-bone-mass"]
    assert client.get("/api/references/").json()["count"] == 2
    assert client.get("/api/evidence/").json()["count"] == 2
    topic_claims = client.get("/api/topics/bone/").json()["claims"]
    assert [c["slug"] for c in topic_claims] == ["prko-bone-mass"]


def test_curator_sees_drafts(curator_api, library):
    assert curator_api.get("/api/claims/secret-draft/").status_code == 200
    assert curator_api.get("/api/references/hidden2021draft/").status_code == 200
    assert curator_api.get("/api/claims/").json()["count"] == 2
    assert len(curator_api.get("/api/topics/bone/").json()["claims"]) == 2


def test_retracted_claims_are_public(anon, library):
    Claim.objects.filter(slug="secret-draft").update(status="retracted")

    assert anon.get("/api/claims/secret-draft/").json()["status"] == "retracted"
    assert anon.get("/api/references/hidden2021draft/").status_code == 200


def writes(library):
    evidence = library["claim"].evidence.first()
    new_claim = {"statement": "S.", "slug": "new-claim"}
    new_reference = {"citekey": "new2020x", "title": "T"}
    new_evidence = {
        "claim": "prko-bone-mass",
        "reference": "hidden2021draft",
        "stance": "supports",
        "design": "rct",
        "population": "humans",
    }
    return [
        ("post", "/api/claims/", new_claim),
        ("patch", "/api/claims/prko-bone-mass/", {"summary": "x"}),
        ("delete", "/api/claims/prko-bone-mass/", None),
        ("post", "/api/references/", new_reference),
        ("put", "/api/references/rickard2008progesterone/", new_reference),
        ("delete", "/api/references/prior1990progesterone/", None),
        ("post", "/api/evidence/", new_evidence),
        ("patch", f"/api/evidence/{evidence.pk}/", {"notes": "x"}),
        ("delete", f"/api/evidence/{evidence.pk}/", None),
        ("post", "/api/topics/", {"name": "New", "slug": "new"}),
        ("delete", "/api/topics/bone/", None),
    ]


def test_anonymous_writes_are_refused_and_change_nothing(anon, library):
    # 401 with the scheme to authenticate with (a token), not a bare 403.
    for method, url, data in writes(library):
        response = getattr(anon, method)(url, data, format="json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token", (method, url)
    assert (Claim.objects.count(), Evidence.objects.count(), Topic.objects.count()) == (2, 3, 1)


def test_staff_without_curator_permissions_cannot_write(staff_api, library):
    for method, url, data in writes(library):
        response = getattr(staff_api, method)(url, data, format="json")
        assert response.status_code == 403, (method, url)
    assert (Claim.objects.count(), Evidence.objects.count(), Topic.objects.count()) == (2, 3, 1)


def test_curator_creates_updates_and_deletes_evidence(curator_api, library):
    # Live writes: the claim is a draft (a public claim's are staged, tests/api/test_revisions).
    Claim.objects.filter(slug=writes(library)[6][2]["claim"]).update(status="draft")
    created = curator_api.post("/api/evidence/", writes(library)[6][2], format="json")
    assert created.status_code == 201
    url = created.json()["api_url"]

    assert curator_api.patch(url, {"sample_size": 66}, format="json").json()["sample_size"] == 66
    assert curator_api.delete(url).status_code == 204
    assert Evidence.objects.count() == 3


def test_curator_creates_a_claim_with_topics_and_becomes_its_curator(curator_api, library):
    data = {"statement": "Bone responds.", "slug": "bone-responds", "topics": ["bone"]}

    response = curator_api.post("/api/claims/", data, format="json")

    assert response.status_code == 201
    assert response.json()["topics"] == ["bone"]
    claim = Claim.objects.get(slug="bone-responds")
    assert claim.status == "draft"
    assert claim.curator is not None


def test_curators_never_delete_claims_or_references(curator_api, library):
    assert curator_api.delete("/api/claims/prko-bone-mass/").status_code == 403
    assert curator_api.delete("/api/references/prior1990progesterone/").status_code == 403


def test_superuser_deleting_a_cited_reference_gets_409(library, django_user_model):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("root", "r@x.org", "pw"))

    response = client.delete("/api/references/prior1990progesterone/")

    assert response.status_code == 409
    assert response.json() == {"detail": PROTECTED}


def test_token_authentication_lets_a_curator_write(library):
    from rest_framework.test import APIClient

    from claims.services import curator_token_create
    from tests.factories import CuratorFactory

    key = curator_token_create(user=CuratorFactory())
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.post("/api/topics/", {"name": "Muscle", "slug": "muscle"}, format="json")

    assert response.status_code == 201


@pytest.mark.parametrize("client_name", ["anon", "curator_api"])
def test_browsable_api_renders_every_list_and_detail(request, library, client_name):
    client = request.getfixturevalue(client_name)

    for url in ["/api/", *LISTS, *details(library)]:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"] == "text/html; charset=utf-8"
