"""POST /api/references/lookup/ when a service misbehaves: a redirect off the allowed hosts,
JSON nested 200,000 deep, a DOI that climbs out of the path: a clear error, nothing stored."""

import pytest
from django.urls import reverse
from pytest_httpserver import HTTPServer
from werkzeug import Response

from citations.identifiers import InvalidIdentifier
from citations.models import Reference
from citations.sources import crossref, http, lookup
from tests.conftest import SOURCES_DATA

pytestmark = pytest.mark.django_db
RICKARD = "10.1210/en.2007-1247"
TRAVERSAL = "10.1234/../../../../etc/passwd"
API_URL = reverse("api:reference-lookup")


@pytest.fixture
def elsewhere():
    """A second local server holding a record: where a hostile redirect points."""
    server = HTTPServer()
    server.start()
    work = (SOURCES_DATA / "crossref-work-rickard2008.json").read_bytes()
    server.expect_request("/latest/meta-data").respond_with_data(work)
    yield server
    server.stop()


def test_a_redirect_to_another_host_is_refused_and_nothing_is_stored(
    sources, elsewhere, curator_api
):
    target = f"http://localhost:{elsewhere.port}/latest/meta-data"
    sources.server.expect_request(f"/crossref/works/{RICKARD}").respond_with_response(
        Response("", status=302, headers={"Location": target})
    )
    response = curator_api.post(f"{API_URL}?save=1", {"identifier": RICKARD}, format="json")
    assert response.status_code == 502
    message = http.REDIRECT_REFUSED.format(service="Crossref", host=f"localhost:{elsewhere.port}")
    assert response.json() == {"detail": message}
    assert (Reference.objects.count(), len(elsewhere.log)) == (0, 0)


def test_deeply_nested_json_is_refused_with_a_clear_error(sources, curator_api):
    deep = "[" * 200_000 + "]" * 200_000
    sources.fail(f"/crossref/works/{RICKARD}", 200, body=deep)
    response = curator_api.post(f"{API_URL}?save=1", {"identifier": RICKARD}, format="json")
    assert response.status_code == 502
    message = http.TOO_DEEP.format(service="Crossref", kind="JSON", limit=64)
    assert response.json() == {"detail": message}
    assert Reference.objects.count() == 0


def test_a_traversal_doi_is_not_an_identifier_and_is_never_asked(sources, curator_api):
    with pytest.raises(InvalidIdentifier):
        lookup.parse_identifier(TRAVERSAL)
    response = curator_api.post(API_URL, {"identifier": TRAVERSAL})
    assert response.status_code == 400
    with pytest.raises(http.SourceRefused, match="is not a valid identifier"):
        crossref.work(TRAVERSAL)
    assert sources.requests() == []
