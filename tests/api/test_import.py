"""POST /api/references/import/: BibTeX in, a plan back; written in one go or not at all."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from citations import bibtex
from citations.api.import_serializers import NO_BIBTEX, NOT_TEXT
from citations.api.parsers import TOO_LARGE
from citations.bibtex import BINARY_INPUT
from citations.importing.applying import REFUSED_DUPLICATE, REFUSED_INVALID
from citations.importing.writers import HISTORY_REASON
from citations.models import Contributor, ImportJob, Person, Reference
from claims.models import Claim
from evidence.models import Evidence
from tests.factories import CuratorFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

URL = "/api/references/import/"
BIBTEX = "application/x-bibtex"
TWO_ENTRIES = """@article{smith2020bone,
  title = {Bone density in mice},
  author = {Smith, John and Doe, Jane},
  journal = {Journal of Bone Research},
  year = {2020},
  doi = {10.1000/bone.1}
}

@book{jones2019,
  title = {Remodelling},
  author = {Jones, Ann},
  publisher = {Academic},
  year = {2019}
}
"""
MALFORMED = """@article{good2020,
  title = {Fine},
  author = {Good, Ann},
  year = {2020}
}

@article{broken2021,
  author = {Broken, Bob}
  year = {2021}
}
"""


@pytest.fixture
def curator(db):
    return CuratorFactory()


@pytest.fixture
def api(curator):
    client = APIClient()
    client.force_authenticate(curator)
    return client


def post(client, data=TWO_ENTRIES, query="", content_type=BIBTEX):
    return client.post(f"{URL}{query}", data.encode(), content_type=content_type)


def row_counts() -> tuple[int, int, int]:
    return Reference.objects.count(), Contributor.objects.count(), Person.objects.count()


def test_url_name_is_api_reference_import():
    assert reverse("api:reference-import") == URL


def test_dry_run_previews_the_plan_and_writes_nothing(api):
    response = post(api, query="?dry_run=true")

    body = response.json()
    assert response.status_code == 200
    assert row_counts() == (0, 0, 0)
    assert {k: body[k] for k in ("created", "duplicates", "invalid", "dry_run", "written")} == {
        "created": 2,
        "duplicates": 0,
        "invalid": 0,
        "dry_run": True,
        "written": False,
    }
    assert body["entries"][0] == {
        "key": "smith2020bone",
        "line": 1,
        "status": "new",
        "citekey": "smith2020bone",
        "duplicate_of": None,
        "reason": "",
        "messages": [],
    }
    assert [(e["key"], e["line"]) for e in body["entries"]] == [
        ("smith2020bone", 1),
        ("jones2019", 9),
    ]


def test_import_creates_references_with_contributors_and_exact_citekeys(api, curator):
    response = post(api)

    assert response.status_code == 201
    assert (response.json()["created"], response.json()["written"]) == (2, True)
    smith = Reference.objects.get(citekey="smith2020bone")
    assert (smith.title, smith.year, smith.doi) == ("Bone density in mice", 2020, "10.1000/bone.1")
    authors = smith.contributors.order_by("position").values_list("person__family", "person__given")
    assert list(authors) == [("Smith", "John"), ("Doe", "Jane")]
    assert set(Reference.objects.values_list("citekey", flat=True)) == {
        "smith2020bone",
        "jones2019",
    }
    history = Reference.history.get(citekey="jones2019")
    assert (history.history_user, history.history_change_reason) == (curator, HISTORY_REASON)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"bibtex": TWO_ENTRIES, "dry_run": True}, "json"),
        (
            {"file": SimpleUploadedFile("refs.bib", TWO_ENTRIES.encode()), "dry_run": "1"},
            "multipart",
        ),
    ],
)
def test_json_and_multipart_bodies_carry_the_bibtex_and_the_options(api, data, content_type):
    response = api.post(URL, data, format=content_type)

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["dry_run"]) == (2, True)
    assert row_counts() == (0, 0, 0)


def test_text_plain_body_is_accepted(api):
    assert post(api, content_type="text/plain; charset=utf-8").status_code == 201


def test_duplicates_are_skipped_by_default(api):
    ReferenceFactory(citekey="stored2020", doi="10.1000/bone.1")

    response = post(api)

    body = response.json()
    assert response.status_code == 201
    assert (body["created"], body["duplicates"], body["updated"]) == (1, 1, 0)
    assert body["entries"][0]["status"] == "duplicate"
    assert body["entries"][0]["duplicate_of"] == "stored2020"
    assert body["entries"][0]["reason"] == "same DOI as stored2020"
    assert Reference.objects.count() == 2


def test_a_file_of_duplicates_only_answers_200(api):
    post(api)

    response = post(api)

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["duplicates"]) == (0, 2)


def test_on_duplicate_fail_refuses_and_writes_nothing(api):
    ReferenceFactory(citekey="stored2020", doi="10.1000/bone.1")
    before = row_counts()

    response = post(api, query="?on_duplicate=fail")

    assert response.status_code == 400
    assert response.json()["detail"] == REFUSED_DUPLICATE.format(count=1)
    assert response.json()["written"] is False
    assert row_counts() == before


def test_on_duplicate_update_overwrites_the_stored_reference(api):
    stored = ReferenceFactory(citekey="stored2020", doi="10.1000/bone.1", title="Old")

    response = post(api, query="?on_duplicate=update")

    assert (response.status_code, response.json()["updated"]) == (201, 1)
    stored.refresh_from_db()
    assert (stored.citekey, stored.title) == ("stored2020", "Bone density in mice")


def test_unknown_on_duplicate_is_a_field_error(api):
    response = post(api, query="?on_duplicate=merge")

    assert response.status_code == 400
    assert response.json() == {"on_duplicate": ['"merge" is not a valid choice.']}
    assert row_counts() == (0, 0, 0)


def test_malformed_entry_refuses_the_file_naming_key_and_line(api):
    ReferenceFactory()
    before = row_counts()

    response = post(api, MALFORMED)

    body = response.json()
    assert response.status_code == 400
    assert body["detail"] == REFUSED_INVALID.format(count=1, ies="y is")
    assert body["problems"] == [
        "line 7 [broken2021]: Field 'author': unexpected text after its value (a missing comma?)."
    ]
    assert body["entries"][1]["status"] == "invalid"
    assert row_counts() == before


def test_skip_invalid_writes_the_valid_entries(api):
    response = post(api, MALFORMED, query="?skip_invalid=true")

    assert (response.status_code, response.json()["created"], response.json()["invalid"]) == (
        201,
        1,
        1,
    )
    assert list(Reference.objects.values_list("citekey", flat=True)) == ["good2020"]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", BIBTEX, NO_BIBTEX),
        (b"  \n\n ", BIBTEX, NO_BIBTEX),
        (b'{"bibtex": ""}', "application/json", NO_BIBTEX),
        (b"{}", "application/json", NO_BIBTEX),
        (b'{"bibtex": 7}', "application/json", NOT_TEXT),
        (b"[1, 2]", "application/json", NO_BIBTEX),
        (b'"@article{a, title={T}}"', "application/json", NO_BIBTEX),
        (b"\x00\x01\x02\x03 PK zip", BIBTEX, BINARY_INPUT),
    ],
)
def test_empty_or_binary_bodies_are_a_400_with_a_clear_message(api, body, content_type, message):
    response = api.post(f"{URL}?dry_run=1", body, content_type=content_type)

    assert response.status_code == 400
    assert response.json() == {"bibtex": [message]}


def test_body_not_utf8_is_refused_naming_its_lines_unless_an_encoding_is_given(api):
    data = "@article{muller2020,\n title={M\xfcller's bones}, year={2020}}".encode("cp1252")

    refused = api.post(URL, data, content_type=BIBTEX)
    response = api.post(f"{URL}?encoding=windows-1252", data, content_type=BIBTEX)

    assert refused.status_code == 400
    assert refused.json()["problems"] == ["line 2 []: " + bibtex.NOT_UTF8.format(line=2, byte=0xFC)]
    assert response.status_code == 201
    assert Reference.objects.get().title == "M\xfcller's bones"


def test_utf8_body_with_a_few_stray_bytes_is_not_read_as_windows_1252(api):
    text = "@article{a, author={M\u00fcller, J}, title={Good}}\n" * 3
    data = text.encode() + b"@article{b, title={Bad \xff\xfe}}\n"

    response = api.post(f"{URL}?dry_run=1", data, content_type=BIBTEX)

    assert response.json()["problems"] == [
        "line 4 []: " + bibtex.NOT_UTF8.format(line=4, byte=0xFF)
    ]
    assert response.json()["created"] == 0


def test_unknown_encoding_is_a_400_field_error(api):
    response = api.post(f"{URL}?encoding=klingon", b"@article{a, title={T}}", content_type=BIBTEX)

    assert response.status_code == 400
    assert response.json() == {"encoding": [bibtex.UNKNOWN_ENCODING.format(encoding="klingon")]}


@pytest.mark.parametrize("codec", ["rot13", "zlib_codec", "base64", "hex", "bz2", "uu", "quopri"])
def test_an_encoding_that_is_no_text_encoding_is_a_400_naming_the_allowed_ones(api, codec):
    body = b"@article{a, title={T}}"

    response = api.post(f"{URL}?encoding={codec}", body, content_type=BIBTEX)

    assert response.status_code == 400
    assert response.json() == {"encoding": [bibtex.NOT_TEXT_ENCODING.format(encoding=codec)]}
    assert "windows-1250 to windows-1258" in response.json()["encoding"][0]
    assert not Reference.objects.exists()


def test_a_2_mib_title_imports_whole_as_its_dry_run_said_and_is_found_by_its_first_words(api):
    # 300,000 distinct words: a tsvector of them all would pass PostgreSQL's 1 MB limit.
    title = " ".join(f"w{i}" for i in range(300_000))
    body = f"@article{{huge, title={{{title}}}, year=2020}}".encode()
    assert len(title) > 2 * 1024 * 1024

    dry = api.post(f"{URL}?dry_run=1", body, content_type=BIBTEX)  # over 2 MiB: a job
    previewed = api.get(dry.json()["url"]).json()["result"]
    real = api.post(URL, body, content_type=BIBTEX)

    assert (dry.status_code, previewed["created"]) == (202, 1)
    assert (real.status_code, real.json()["created"]) == (201, 1)
    assert Reference.objects.get().title == title  # the stored field is never cut
    assert Reference.objects.search("w17").count() == 1  # the first words are indexed


def test_body_over_the_limit_is_413_and_nothing_is_read(api, settings):
    settings.BIBTEX_IMPORT_MAX_BYTES = 100

    response = post(api)

    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE.format(limit=100)}
    assert row_counts() == (0, 0, 0)


def test_a_large_dry_run_is_previewed_by_a_job_whose_answer_is_the_inline_one(api, settings):
    inline = post(api, query="?dry_run=1").json()
    settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES = 100  # TWO_ENTRIES is "large" here

    accepted = post(api, query="?dry_run=1")
    job = api.get(accepted.json()["url"])

    assert accepted.status_code == 202
    assert accepted.json()["url"].endswith(
        f"/api/references/import/jobs/{accepted.json()['token']}/"
    )
    assert job.status_code == 200
    assert (job.json()["state"], job.json()["result"]) == ("done", inline)
    assert row_counts() == (0, 0, 0)
    assert bytes(ImportJob.objects.get().data) == b""  # the file is dropped once previewed


def test_a_dry_run_job_is_not_found_by_another_curator(api, settings):
    settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES = 100
    url = post(api, query="?dry_run=1").json()["url"]
    other = APIClient()
    other.force_authenticate(CuratorFactory())

    assert other.get(url).status_code == 404
    assert APIClient().get(url).status_code in {401, 403, 404}


def test_a_large_real_import_is_not_turned_into_a_dry_run_job(api, settings):
    settings.BIBTEX_PREVIEW_INLINE_MAX_BYTES = 100

    response = post(api)

    assert (response.status_code, response.json()["created"]) == (201, 2)


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("content_type", [BIBTEX, "text/plain", "multipart/form-data; boundary=x"])
def test_a_body_over_the_limit_is_refused_from_its_content_length_before_it_is_read(
    api, content_type
):
    declared = str(200 * 1024 * 1024)

    response = api.generic(
        "POST",
        URL,
        content_type=content_type,
        CONTENT_LENGTH=declared,
        **{"wsgi.input": UnreadableBody()},
    )

    assert response.status_code == 413
    assert row_counts() == (0, 0, 0)


def test_unsupported_media_type_is_415(api):
    # application/xml is PubMed XML now (citations.readers): a PDF is what no reader takes.
    assert post(api, content_type="application/pdf").status_code == 415


@pytest.mark.parametrize("client_name", ["anon", "staff_api"])
def test_anonymous_and_non_curators_are_refused(request, client_name):
    client = request.getfixturevalue(client_name)

    response = post(client)

    assert response.status_code == (401 if client_name == "anon" else 403)
    assert row_counts() == (0, 0, 0)


def test_get_is_not_allowed(api):
    assert api.get(URL).status_code == 405


def test_fifty_entries_import_in_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    entries = "".join(
        f"@article{{author{i}2020,\n  title = {{Study number {i}}},\n"
        f"  author = {{Author{i}, Ann and Shared, Bob}},\n  year = {{2020}}\n}}\n"
        for i in range(50)
    )

    # 12, and the advisory lock that serialises imports with its transaction's savepoint; and
    # two per look-up by citekey or family name, turning bitmap scans off and on around it
    # (`membership.through_btrees`: never the trigram indexes for `= ANY(keys)`).
    with django_assert_max_num_queries(18):
        response = post(api, entries)

    assert (response.status_code, response.json()["created"]) == (201, 50)
    assert Contributor.objects.count() == 100


def test_export_then_import_into_an_empty_database_round_trips(api, anon, library):
    exported = b"".join(anon.get("/api/claims/prko-bone-mass/?format=bibtex").streaming_content)
    before = {r.citekey: (r.title, r.year, authors_of(r)) for r in library["references"]}
    Evidence.objects.all().delete()
    Claim.objects.all().delete()
    Reference.objects.all().delete()
    Person.objects.all().delete()

    response = api.post(URL, exported, content_type=BIBTEX)

    assert response.status_code == 201
    after = {r.citekey: (r.title, r.year, authors_of(r)) for r in Reference.objects.all()}
    assert after == before


def authors_of(reference) -> list[tuple[str, str]]:
    rows = reference.contributors.order_by("position")
    return list(rows.values_list("person__family", "person__given"))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda head, body: f"@{head}{{{body}",
            st.sampled_from(["article", "book", "string", "comment", "preamble", "x"]),
            st.text(max_size=200),
        ),
    ),
    dry_run=st.booleans(),
    content_type=st.sampled_from([BIBTEX, "text/plain", "application/json"]),
)
def test_arbitrary_text_bodies_never_cause_a_server_error(api, text, dry_run, content_type):
    before = row_counts()

    response = api.post(
        f"{URL}?dry_run={dry_run}", text.encode("utf-8", "surrogatepass"), content_type=content_type
    )

    assert response.status_code in {200, 201, 400}, response.content[:500]
    if response.status_code == 400 or dry_run:
        assert row_counts() == before


def test_schema_documents_the_request_bodies_and_the_outcome(anon):
    schema = yaml.safe_load(anon.get("/api/schema/").content)

    operation = schema["paths"][URL]["post"]
    assert set(operation["requestBody"]["content"]) == {
        BIBTEX,
        "text/plain",
        "application/x-research-info-systems",
        "application/vnd.citationstyles.csl+json",
        "application/nbib",
        "application/xml",
        "text/xml",
        "multipart/form-data",
        "application/json",
    }
    assert {p["name"] for p in operation["parameters"]} == {
        "dry_run",
        "skip_invalid",
        "on_duplicate",
        "encoding",
    }
    outcome = {"$ref": "#/components/schemas/ImportOutcome"}
    for code in ("200", "201", "409"):
        assert operation["responses"][code]["content"]["application/json"]["schema"] == outcome
    assert {"400", "403", "413", "415"} <= set(operation["responses"])


def test_responses_match_the_documented_outcome_schema(api, anon):
    schema = yaml.safe_load(anon.get("/api/schema/").content)
    outcome = {"$ref": "#/components/schemas/ImportOutcome", "components": schema["components"]}
    ReferenceFactory(citekey="stored2020", doi="10.1000/bone.1")

    for response in (post(api, query="?dry_run=1"), post(api), post(api, MALFORMED)):
        OAS30Validator(outcome).validate(response.json())
