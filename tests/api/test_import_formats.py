"""POST /api/references/import/ reads RIS, CSL-JSON, PubMed MEDLINE and PubMed XML as it
reads BibTeX: the body's Content-Type (or an upload's extension) chooses the reader, and the
records go through the same plan (duplicates, citekeys, all-or-nothing, dry run)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from citations.models import ImportJob, Reference, Retraction
from tests.citations.test_readers import MEDLINE, PUBMED_XML, RIS
from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db

URL = "/api/references/import/"
CSL = json.dumps(
    [
        {
            "id": "doe2020",
            "type": "article-journal",
            "title": "Progesterone and bone",
            "author": [{"family": "Doe", "given": "Jane"}],
            "container-title": "Bone",
            "issued": {"date-parts": [[2020, 4]]},
            "DOI": "10.1000/csl.1",
            "page": "10-19",
        }
    ]
)


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(CuratorFactory())
    return client


@pytest.mark.parametrize(
    ("content_type", "body", "created"),
    [
        ("application/x-research-info-systems", RIS, 2),
        ("application/vnd.citationstyles.csl+json", CSL, 1),
        ("application/nbib", MEDLINE, 2),
        ("application/xml", PUBMED_XML, 1),
        ("text/xml; charset=utf-8", PUBMED_XML, 1),
    ],
)
def test_the_content_type_chooses_the_reader(api, content_type, body, created):
    response = api.post(URL, body.encode(), content_type=content_type)
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == created
    assert Reference.objects.count() == created


def test_plain_text_that_pubmed_saved_is_read_as_medline(api):
    response = api.post(URL, MEDLINE.encode(), content_type="text/plain")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2


def test_a_second_import_of_the_same_ris_finds_duplicates(api):
    kind = "application/x-research-info-systems"
    api.post(URL, RIS.encode(), content_type=kind)
    again = api.post(URL, RIS.encode(), content_type=kind)
    assert again.status_code == 200
    assert again.json()["duplicates"] == 2
    assert Reference.objects.count() == 2


def test_ris_keeps_its_key_identifiers_and_people(api):
    api.post(URL, RIS.encode(), content_type="application/x-research-info-systems")
    stored = Reference.objects.get(citekey="berg2004")
    assert (stored.doi, stored.pmid, stored.pmcid) == ("10.1000/bone.1", "15140211", "PMC1234567")
    assert stored.pages == "123--129"
    assert stored.extra_fields["keywords"] == "bone, mice"


def test_pubmed_retracted_publication_is_stored_as_retracted(api):
    api.post(URL, MEDLINE.encode(), content_type="application/nbib")
    retracted = Reference.objects.get(pmid="15140211")
    assert retracted.retraction == Retraction.RETRACTED
    assert retracted.abstract == "An abstract that wraps."
    assert Reference.objects.get(pmid="99").retraction == Retraction.NONE


def test_a_dry_run_of_csl_writes_nothing(api):
    kind = "application/vnd.citationstyles.csl+json"
    response = api.post(f"{URL}?dry_run=1", CSL.encode(), content_type=kind)
    assert response.status_code == 200
    assert response.json()["entries"][0]["citekey"] == "doe2020"
    assert Reference.objects.count() == 0


def test_invalid_csl_is_a_400_with_the_item_number_and_nothing_written(api):
    body = json.dumps([json.loads(CSL)[0], {"id": "bad", "author": [{"given": "x"}]}])
    kind = "application/vnd.citationstyles.csl+json"
    response = api.post(URL, body.encode(), content_type=kind)
    assert response.status_code == 400
    assert any("line 2 [bad]" in problem for problem in response.json()["problems"])
    assert Reference.objects.count() == 0
    skipped = api.post(f"{URL}?skip_invalid=1", body.encode(), content_type=kind)
    assert skipped.status_code == 201
    assert Reference.objects.count() == 1


def test_unreadable_bodies_are_400s_not_500s(api):
    for kind, body in [
        ("application/vnd.citationstyles.csl+json", "{oops"),
        ("application/xml", "<a>"),
        ("application/x-research-info-systems", "nothing here"),
    ]:
        response = api.post(URL, body.encode(), content_type=kind)
        assert response.status_code == 400, (kind, response.content)
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "body", "created"),
    [("refs.ris", RIS, 2), ("items.json", CSL, 1), ("pubmed-x.txt", MEDLINE, 2)],
)
def test_an_upload_is_read_by_its_extension(api, name, body, created):
    upload = SimpleUploadedFile(name, body.encode())
    response = api.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == created


def test_the_admin_import_previews_and_keeps_the_format(curator_client):
    upload = SimpleUploadedFile("pubmed.nbib", MEDLINE.encode())
    response = curator_client.post(
        "/admin/citations/reference/import-bibtex/",
        {"file": upload, "on_duplicate": "skip"},
    )
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.format == "medline"
    assert "15140211" in response.content.decode() or "Bone density" in response.content.decode()


def test_a_large_ris_dry_run_is_previewed_by_a_job_with_its_reader(api, settings):
    kind = "application/x-research-info-systems"
    inline = api.post(f"{URL}?dry_run=1", RIS.encode(), content_type=kind).json()
    settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES = 100  # RIS is "large" here

    accepted = api.post(f"{URL}?dry_run=1", RIS.encode(), content_type=kind)
    job = api.get(accepted.json()["url"]).json()

    assert accepted.status_code == 202
    assert ImportJob.objects.get().format == "ris"
    assert (job["state"], job["result"]) == ("done", inline)
    assert inline["created"] == 2
