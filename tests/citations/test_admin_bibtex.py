"""Admin: the Import BibTeX page (preview, then import) and the Export selected action."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from citations.admin import importing as citations_admin
from citations.models import ImportJob, Reference
from citations.services import JOB_DONE
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:citations_reference_import_bibtex")
BIB = "@article{smith2020, title = {Bone and {DNA}}, author = {Smith, Ann}, year = 2020}\n"
BROKEN = BIB + "@article{broken,\n  title = {A}\n  year = {2000},\n}\n"


def test_changelist_links_to_the_import_page(curator_client):
    response = curator_client.get(reverse("admin:citations_reference_changelist"))
    assert response.status_code == 200
    assert URL in response.content.decode()


def test_preview_shows_the_plan_and_writes_nothing(curator_client):
    response = curator_client.post(URL, {"text": BIB, "on_duplicate": "skip"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: 1 new, 0 duplicate, 0 invalid" in page
    assert "<td>smith2020</td>" in page
    assert "more entries are not listed" not in page
    assert Reference.objects.count() == 0


def test_import_after_preview_writes_and_redirects(curator_client):
    upload = SimpleUploadedFile("refs.bib", BIB.encode(), content_type="application/x-bibtex")
    curator_client.post(URL, {"file": upload, "on_duplicate": "skip"})
    response = curator_client.post(URL, {"confirm": "Import"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:citations_reference_changelist")
    message = JOB_DONE.format(created=1, updated=0, skipped=0)
    assert message in response.content.decode()
    assert Reference.objects.get().title == "Bone and DNA"


def test_preview_lists_invalid_entries_and_import_is_refused(curator_client):
    response = curator_client.post(URL, {"text": BROKEN, "on_duplicate": "skip"})
    assert "unexpected text after its value (a missing comma?)" in response.content.decode()
    response = curator_client.post(URL, {"confirm": "Import"}, follow=True)
    assert "Nothing was imported: 1 entry is invalid." in response.content.decode()
    assert Reference.objects.count() == 0


def test_empty_form_asks_for_input(curator_client):
    response = curator_client.post(URL, {"text": "  ", "on_duplicate": "skip"})
    assert citations_admin.NO_BIBTEX_GIVEN in response.content.decode()


def test_confirm_without_preview_is_reported(curator_client):
    response = curator_client.post(URL, {"confirm": "Import"}, follow=True)
    assert citations_admin.IMPORT_EXPIRED in response.content.decode()


def test_export_selected_action_streams_bibtex(curator_client):
    chosen = ReferenceFactory(citekey="chosen2020", title="Chosen")
    ReferenceFactory(citekey="other2020")
    response = curator_client.post(
        reverse("admin:citations_reference_changelist"),
        {"action": "export_bibtex", "_selected_action": [chosen.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body == (
        "@article{chosen2020,\n"
        "  title = {Chosen},\n"
        "  journal = {Journal of Bone Research},\n"
        "  year = {2020},\n"
        "}\n\n"
    )


def test_import_page_needs_add_permission(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_admin_import_records_the_curator_in_history(curator_client, curator):
    curator_client.post(URL, {"text": BIB, "on_duplicate": "skip"})
    curator_client.post(URL, {"confirm": "Import"})
    assert Reference.history.get().history_user == curator


def test_the_preview_shows_titles_and_decoded_authors(curator_client):
    bib = (
        '@article{m1, title = {Bone {\\"o}stros}, year = 2001,\n'
        '  author = {M{\\"u}ller, J{\\"o}rg and van der Berg, Ann}}\n'
    )
    page = curator_client.post(URL, {"text": bib, "on_duplicate": "skip"}).content.decode()
    assert '<td class="plan-title">Bone östros (2001)</td>' in page
    assert '<td class="plan-authors">Müller, Jörg; van der Berg, Ann</td>' in page


def test_the_preview_links_a_duplicate_to_the_stored_reference(curator_client):
    stored = ReferenceFactory(doi="10.1000/abc")
    bib = "@article{again, title={Again}, doi={10.1000/ABC}, year={2000}}\n"
    page = curator_client.post(URL, {"text": bib, "on_duplicate": "skip"}).content.decode()
    link = reverse("admin:citations_reference_change", args=[stored.pk])
    assert f'<a href="{link}">{stored.citekey}</a>' in page


def test_a_large_upload_is_previewed_by_a_job_then_shown_and_imported(curator_client, settings):
    settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES = 100  # BROKEN-sized files are "large" here
    text = BIB + "@article{jones2021, title = {Marrow}, author = {Jones, Bo}, year = 2021}\n"

    upload = curator_client.post(URL, {"text": text, "on_duplicate": "skip"})
    job = ImportJob.objects.get()
    shown = curator_client.get(upload["Location"], follow=True)  # the job page, then the preview

    assert upload.status_code == 302
    assert upload["Location"].endswith(f"/import-bibtex/{job.token}/")
    assert shown.redirect_chain[-1][0] == f"{URL}?preview={job.token}"
    page = shown.content.decode()
    assert "Preview: 2 new, 0 duplicate, 0 invalid" in page
    assert "<td>jones2021</td>" in page
    assert "Jones, Bo" in page
    assert Reference.objects.count() == 0
    imported = curator_client.post(URL, {"confirm": "Import"}, follow=True)
    assert JOB_DONE.format(created=2, updated=0, skipped=0) in imported.content.decode()
    assert Reference.objects.count() == 2


def test_a_preview_of_another_upload_is_not_shown(curator_client, settings):
    settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES = 10
    curator_client.post(URL, {"text": BIB, "on_duplicate": "skip"})
    job = ImportJob.objects.get()
    curator_client.post(URL, {"text": BIB, "on_duplicate": "skip"})  # a second upload

    response = curator_client.get(f"{URL}?preview={job.token}")

    assert "Preview:" not in response.content.decode()


def test_the_preview_lists_its_first_rows_and_counts_the_rest(curator_client, monkeypatch):
    monkeypatch.setattr(citations_admin, "PREVIEW_ROWS", 2)
    text = "".join(f"@article{{e{i}, title={{Title {i}}}, year=2020}}\n" for i in range(5))

    page = curator_client.post(URL, {"text": text, "on_duplicate": "skip"}).content.decode()

    assert "Preview: 5 new, 0 duplicate, 0 invalid" in page
    assert "<td>e1</td>" in page
    assert "<td>e2</td>" not in page
    assert "3 more entries are not listed" in page


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_upload_of_200_mb_is_refused_from_its_content_length_unread(curator_client):
    from citations.api.parsers import TOO_LARGE

    response = curator_client.generic(
        "POST",
        URL,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert TOO_LARGE.format(limit=20 * 1024 * 1024) in response.content.decode()
