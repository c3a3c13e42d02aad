"""Look-ups read editorial notices: Crossref's `updated-by` / `update-to` and PubMed's
retraction publication types reach the preview, the API and the stored record (issue 21)."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from citations.models import Reference, Retraction, Verification
from citations.services import ADDED_FROM, ADDED_UNDER_NOTICE, reference_lookup
from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db
WAKEFIELD = "10.1016/s0140-6736(97)11096-0"
NOTICE = "10.1016/s0140-6736(10)60175-4"
ADMIN_URL = reverse("admin:citations_reference_add_from_identifier")
API_URL = reverse("api:reference-lookup")


def serve_wakefield(sources):
    sources.serve(f"/crossref/works/{WAKEFIELD}", "crossref-work-wakefield1998.json")


def test_add_from_doi_stores_the_retraction_before_any_check_runs(curator_client, sources):
    serve_wakefield(sources)
    preview = curator_client.post(ADMIN_URL, {"identifier": WAKEFIELD, "lookup": "1"})
    page = preview.content.decode()
    assert 'id="lookup-retraction"' in page
    assert f"<strong>retracted</strong> (6 February 2010), notice {NOTICE}" in page
    assert Reference.objects.count() == 0
    curator_client.post(ADMIN_URL, {"identifier": WAKEFIELD, "save": "1"})
    reference = Reference.objects.get(doi=WAKEFIELD)
    assert reference.retraction == Retraction.RETRACTED
    assert (reference.retraction_notice, reference.retraction_date) == (
        NOTICE,
        datetime.date(2010, 2, 6),
    )
    assert reference.retraction_checked_at is None  # no check ran: the look-up said it
    assert reference.verification == Verification.VERIFIED
    reason = ADDED_FROM.format(source="Crossref", kind="DOI", value=WAKEFIELD)
    reason += ADDED_UNDER_NOTICE.format(state="retracted", source="Crossref (publisher)")
    assert reference.history.first().history_change_reason == reason


def test_api_lookup_answers_the_notice_and_stores_it_on_save(sources):
    serve_wakefield(sources)
    api = APIClient()
    api.force_authenticate(CuratorFactory())
    data = api.post(API_URL, {"identifier": WAKEFIELD}, format="json").json()
    assert data["retraction"] == {
        "state": "retracted",
        "notice": NOTICE,
        "date": "2010-02-06",
        "source": "Crossref (publisher)",
    }
    assert data["notice_of"] == []
    response = api.post(f"{API_URL}?save=1", {"identifier": WAKEFIELD}, format="json")
    assert response.status_code == 201
    assert Reference.objects.get(doi=WAKEFIELD).retraction == Retraction.RETRACTED


def test_a_record_without_notices_answers_none_and_stores_none(sources):
    sources.serve("/crossref/works/10.1210/en.2007-1247", "crossref-work-rickard2008.json")
    api = APIClient()
    api.force_authenticate(CuratorFactory())
    response = api.post(f"{API_URL}?save=1", {"identifier": "10.1210/en.2007-1247"}, format="json")
    assert response.json()["retraction"] is None
    assert Reference.objects.get().retraction == Retraction.NONE


def test_pubmed_retracted_publication_is_stored_as_retracted(sources):
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-9500320.xml")
    api = APIClient()
    api.force_authenticate(CuratorFactory())
    response = api.post(f"{API_URL}?save=1", {"identifier": "PMID: 9500320"}, format="json")
    assert response.status_code == 201
    assert response.json()["retraction"]["state"] == "retracted"
    reference = Reference.objects.get(pmid="9500320")
    assert reference.retraction == Retraction.RETRACTED
    assert reference.retraction_notice == "https://pubmed.ncbi.nlm.nih.gov/20137807/"


def test_a_crossref_notice_says_it_is_a_notice_of_the_work(curator_client, sources):
    sources.serve(f"/crossref/works/{NOTICE}", "crossref-work-lancet-notice2010.json")
    result = reference_lookup(identifier=NOTICE)
    assert result.retraction is None
    [notice_of] = result.found.notice_of
    assert (notice_of.state, notice_of.work) == ("retracted", WAKEFIELD)
    page = curator_client.post(ADMIN_URL, {"identifier": NOTICE, "lookup": "1"}).content.decode()
    assert f"This record is itself a notice (a retraction) of {WAKEFIELD}" in page


def test_a_pubmed_retraction_of_publication_is_a_notice_of_the_work(sources):
    sources.serve("/eutils/efetch.fcgi", "pubmed-efetch-20137807.xml")
    api = APIClient()
    api.force_authenticate(CuratorFactory())
    data = api.post(API_URL, {"identifier": "PMID: 20137807"}, format="json").json()
    assert data["retraction"] is None
    assert data["notice_of"] == [
        {"state": "retracted", "work": "https://pubmed.ncbi.nlm.nih.gov/9500320/", "date": None}
    ]
