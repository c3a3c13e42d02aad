"""POST /api/references/lookup/: a record by identifier, its duplicates, and adding it."""

import pytest
from django.urls import reverse

from citations.models import Contributor, Person, Reference
from citations.sources import lookup
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
RICKARD = "10.1210/en.2007-1247"
API_URL = reverse("api:reference-lookup")


def serve_rickard(sources):
    sources.serve(f"/crossref/works/{RICKARD}", "crossref-work-rickard2008.json")


def test_api_lookup_answers_the_record_and_duplicates(curator_api, sources):
    serve_rickard(sources)
    ReferenceFactory(doi=RICKARD, citekey="rickard2008prko")
    response = curator_api.post(API_URL, {"identifier": RICKARD}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["source"], data["kind"], data["created"]) == ("Crossref", "doi", False)
    assert data["duplicates"][0]["citekey"] == "rickard2008prko"
    assert data["authors"][0] == {
        "family": "Rickard",
        "given": "David J.",
        "orcid": "",
        "person": None,
        "matched_by": "new",
    }
    response = curator_api.post(f"{API_URL}?save=1", {"identifier": RICKARD}, format="json")
    assert response.status_code == 409
    assert Reference.objects.count() == 1


def test_api_lookup_with_save_creates_the_reference(curator_api, sources):
    sources.serve("/openlibrary/api/books", "openlibrary-9780323597128.json")
    body = {"identifier": "978-0-323-59712-8", "save": True}
    response = curator_api.post(API_URL, body, format="json")
    assert response.status_code == 201
    reference = Reference.objects.get(isbn="9780323597128")
    assert response.json()["citekey"] == reference.citekey == "hall2020guyton"
    assert Contributor.objects.filter(reference=reference).count() == 2
    assert Person.objects.filter(family="Hall").count() == 2


@pytest.mark.parametrize(
    ("fail", "status"),
    [(404, 404), (503, 503)],
)
def test_api_lookup_maps_service_failures(curator_api, sources, fail, status):
    sources.fail(f"/crossref/works/{RICKARD}", fail)
    sources.fail(f"/doi/{RICKARD}", fail)
    response = curator_api.post(API_URL, {"identifier": RICKARD, "save": True}, format="json")
    assert response.status_code == status
    assert Reference.objects.count() == 0


def test_api_lookup_refuses_a_bad_identifier_and_anonymous_readers(curator_api, anon):
    response = curator_api.post(API_URL, {"identifier": "nonsense"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"identifier": [lookup.UNRECOGNISED]}
    assert anon.post(API_URL, {"identifier": RICKARD}, format="json").status_code in (401, 403)


def test_api_lookup_refuses_a_record_without_title(curator_api, sources):
    sources.serve("/crossref/works/10.9999/untitled", "crossref-work-notitle.json")
    response = curator_api.post(API_URL, {"identifier": "10.9999/untitled"}, format="json")
    assert response.status_code == 502
    assert "has no title" in response.json()["detail"]
