"""The import's hardening where it meets the database: the command and the admin refuse a
@string macro bomb in bounded memory, identifiers that could break an export are refused,
a write that meets a concurrent change is a conflict, and admin imports run as jobs."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from citations import bibtex, importing, services
from citations.admin import importing as citations_admin
from citations.api.parsers import TOO_LARGE
from citations.identifiers import INVALID_DOI, normalize_doi
from citations.importing import applying, mapping
from citations.models import URL_UNSAFE, ImportJob, Reference
from tests.citations.test_bibtex_limits import INJECTED_DOI, MIB, macro_bomb, measured
from tests.factories import CuratorFactory, ReferenceFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = reverse("admin:citations_reference_import_bibtex")
BIB = "@article{smith2020, title = {Bone and {DNA}}, author = {Smith, Ann}, year = 2020}\n"
REFUSED = bibtex.MACRO_REFUSED.format(macro="s40")


def test_import_command_refuses_a_macro_bomb_fast_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.bib"
    path.write_text(macro_bomb(40))
    out = StringIO()

    def run():
        with pytest.raises(CommandError):
            call_command("import_bibtex", str(path), stdout=out, stderr=StringIO())

    _result, seconds, peak = measured(run)

    assert f"  line 42 [bomb]: {REFUSED}" in out.getvalue().splitlines()
    assert (seconds, Reference.objects.count()) < (2, 1)
    assert peak < 50 * MIB


def test_admin_preview_refuses_a_macro_bomb_fast_in_bounded_memory(curator_client):
    response, seconds, peak = measured(
        curator_client.post, IMPORT_URL, {"text": macro_bomb(40), "on_duplicate": "skip"}
    )

    assert "Preview: 0 new, 0 duplicate, 21 invalid" in response.content.decode()
    assert REFUSED.replace("'", "&#x27;") in response.content.decode()
    assert seconds < 2
    assert peak < 50 * MIB


def test_field_limits_come_from_the_settings(settings):
    settings.BIBTEX_MAX_FIELD_BYTES = 10
    plan = services.reference_import_plan(data="@article{a, title={Longer than ten}}")
    assert plan.items[0].messages == (bibtex.VALUE_TOO_LARGE.format(name="title", limit=10),)


# --- identifiers that could break an export -------------------------------------------------


@pytest.mark.parametrize(
    "doi", [INJECTED_DOI, "10.1234/a{b}", '10.1234/a"b', "10.1234/a\\b", "10.1234/a b"]
)
def test_doi_with_braces_quotes_backslashes_or_spaces_is_not_a_doi(doi):
    with pytest.raises(ValueError, match="Not a valid DOI"):
        normalize_doi(doi)


def test_real_dois_with_odd_characters_are_still_accepted():
    sici = "10.1002/(SICI)1097-4636(199807)41:1<1::AID-JBM1>3.0.CO;2-S"
    assert normalize_doi(sici) == sici.lower()


def test_reference_refuses_an_injected_doi_or_url_as_field_errors():
    reference = ReferenceFactory.build(doi=INJECTED_DOI, url="https://e.org/a},title={X")
    with pytest.raises(Exception) as caught:  # noqa: PT011 - a ValidationError, checked below
        reference.full_clean()
    assert caught.value.message_dict == {"doi": [INVALID_DOI], "url": [URL_UNSAFE]}


def test_admin_change_form_refuses_an_injected_doi(curator_client):
    reference = ReferenceFactory(doi="10.1000/ok")
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {
        name: value for name, value in form.initial.items() if value is not None and name != "id"
    }
    data.update(
        {
            "doi": INJECTED_DOI,
            "extra_fields": "{}",
            "contributors-TOTAL_FORMS": "0",
            "contributors-INITIAL_FORMS": "0",
        }
    )

    response = curator_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["doi"] == [INVALID_DOI]
    assert Reference.objects.get().doi == "10.1000/ok"


def test_import_refuses_an_injected_doi_as_a_doi_and_keeps_it_as_inert_text():
    text = '@article{a, title={T}, doi = "10.1234/x}, title = {Injected"}\n'

    (item,) = services.reference_import_plan(data=text).items

    # An unusual identifier never refuses the entry (issue 11), but it is no DOI (issue 14):
    # kept as an extra field, read as text, so it cannot close its field when written back.
    assert item.status == importing.NEW
    assert "doi" not in item.values
    assert item.messages == (mapping.KEPT_IDENTIFIER.format(name="doi", error=INVALID_DOI),)
    record = bibtex.parse(bibtex.render_entry(bibtex.parse(text).records[0])).records[0]
    assert record.fields == {"title": "T", "doi": "10.1234/x, title = Injected"}


def test_import_takes_no_url_with_braces_quotes_or_backslashes_as_a_web_address():
    assert mapping.is_web_address("https://e.org/a")
    for url in ["https://e.org/a}b", 'https://e.org/a"b', "https://e.org/a\\b"]:
        assert not mapping.is_web_address(url)


# --- conflicts -------------------------------------------------------------------------------


def conflicting_plan(monkeypatch):
    """Plan as usual, then let "another writer" store the same DOI before the write."""
    planned = services.reference_import_plan

    def plan_then_conflict(**kwargs):
        plan = planned(**kwargs)
        ReferenceFactory(citekey="other2020", doi="10.1000/race")
        return plan

    monkeypatch.setattr(services, "reference_import_plan", plan_then_conflict)


RACE = "@article{race2020, title={Race}, author={Doe, Jo}, year=2020, doi={10.1000/race}}\n"


def test_a_write_that_meets_a_concurrent_change_is_a_conflict_and_writes_nothing(monkeypatch):
    conflicting_plan(monkeypatch)

    outcome = services.reference_import_bibtex(data=RACE)

    assert outcome.result.conflict
    assert outcome.result.refused == applying.CONFLICT
    assert list(Reference.objects.values_list("citekey", flat=True)) == ["other2020"]


def test_import_command_names_a_conflict(monkeypatch, tmp_path):
    conflicting_plan(monkeypatch)
    path = tmp_path / "race.bib"
    path.write_text(RACE)
    with pytest.raises(CommandError, match=applying.CONFLICT):
        call_command("import_bibtex", str(path), stdout=StringIO(), stderr=StringIO())


# --- admin import jobs ---------------------------------------------------------------------


def test_admin_upload_over_the_import_limit_is_refused(curator_client, settings):
    settings.BIBTEX_IMPORT_MAX_BYTES = 50
    upload = SimpleUploadedFile("big.bib", BIB.encode() * 2)

    response = curator_client.post(IMPORT_URL, {"file": upload, "on_duplicate": "skip"})

    assert TOO_LARGE.format(limit=50) in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_admin_keeps_the_upload_out_of_the_session(curator_client):
    upload = SimpleUploadedFile("refs.bib", BIB.encode())

    curator_client.post(IMPORT_URL, {"file": upload, "on_duplicate": "skip"})

    job = ImportJob.objects.get()
    assert bytes(job.data) == BIB.encode()
    assert curator_client.session[citations_admin.SESSION_KEY] == str(job.token)
    assert "Bone" not in str(dict(curator_client.session))


def test_admin_import_runs_as_a_job_and_drops_the_file_when_done(curator_client):
    curator_client.post(IMPORT_URL, {"text": BIB, "on_duplicate": "skip"})
    job = ImportJob.objects.get()

    response = curator_client.post(IMPORT_URL, {"confirm": "Import"})

    assert response.url == reverse("admin:citations_reference_import_bibtex_job", args=[job.token])
    job.refresh_from_db()
    assert (job.state, job.written, bytes(job.data)) == (ImportJob.State.DONE, True, b"")
    assert job.message == services.JOB_DONE.format(created=1, updated=0, skipped=0)
    assert Reference.objects.get().citekey == "smith2020"


def test_admin_job_page_shows_progress_while_the_job_runs(curator_client, curator):
    job = ImportJob.objects.create(
        user=curator, on_duplicate="skip", state=ImportJob.State.RUNNING, done=2000, total=5000
    )
    job.stage = services.JOB_WRITING.format(done=2000, total=5000)
    job.save()

    response = curator_client.get(
        reverse("admin:citations_reference_import_bibtex_job", args=[job.token])
    )

    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Writing references: 2000 of 5000" in page
    assert '<progress id="import-progress" max="5000" value="2000">' in page


def test_admin_job_page_is_only_for_its_curator(client, curator):
    job = ImportJob.objects.create(user=curator, on_duplicate="skip")
    client.force_login(CuratorFactory())
    url = reverse("admin:citations_reference_import_bibtex_job", args=[job.token])
    assert client.get(url).status_code == 404


def test_admin_import_of_a_windows_1252_file_needs_its_encoding(curator_client):
    data = "@article{m, title={M\u00fcller}, year=2020}\n".encode("cp1252")

    refused = curator_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("a.bib", data), "on_duplicate": "skip"}
    )
    curator_client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("a.bib", data), "on_duplicate": "skip", "encoding": "cp1252"},
    )
    curator_client.post(IMPORT_URL, {"confirm": "Import"})

    assert "Line 1 is not valid UTF-8 (byte 0xfc)" in refused.content.decode()
    assert Reference.objects.get().title == "Müller"


def test_stale_import_jobs_are_deleted_when_a_new_one_starts(curator_client, curator):
    old = ImportJob.objects.create(user=curator, on_duplicate="skip", data=b"x")
    ImportJob.objects.filter(pk=old.pk).update(updated="2020-01-01T00:00:00Z")

    curator_client.post(IMPORT_URL, {"text": BIB, "on_duplicate": "skip"})

    assert not ImportJob.objects.filter(pk=old.pk).exists()
