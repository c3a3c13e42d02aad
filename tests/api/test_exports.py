"""Exports by content negotiation: media types, 406, errors as text, and re-parsed output."""

import io
import json

import bibtexparser  # noqa: TID251 - an independent parser checks what we render
import pytest
import rispy

from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

BIBTEX = "application/x-bibtex"
CSL = "application/vnd.citationstyles.csl+json"
RIS = "application/x-research-info-systems"


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize(
    ("fmt", "media_type", "filename"),
    [
        ("bibtex", BIBTEX, "prko-bone-mass.bib"),
        ("csl", CSL, "prko-bone-mass.json"),
        ("ris", RIS, "prko-bone-mass.ris"),
    ],
)
def test_claim_export_by_format_param_and_by_accept_agree(anon, library, fmt, media_type, filename):
    by_param = anon.get(f"/api/claims/prko-bone-mass/?format={fmt}")
    by_accept = anon.get("/api/claims/prko-bone-mass/", HTTP_ACCEPT=media_type)

    assert by_param.status_code == by_accept.status_code == 200
    assert by_param["Content-Type"] == f"{media_type}; charset=utf-8"
    assert by_accept["Content-Type"] == f"{media_type}; charset=utf-8"
    assert by_param["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert body(by_param) == body(by_accept)


def test_unsatisfiable_accept_is_406(anon, library):
    response = anon.get("/api/claims/prko-bone-mass/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 406


def test_export_format_on_a_write_is_not_offered(curator_api, library):
    response = curator_api.post("/api/topics/", {"name": "X", "slug": "x"}, HTTP_ACCEPT=BIBTEX)

    assert response.status_code == 406


def test_unknown_format_param_is_404(anon, library):
    assert anon.get("/api/claims/prko-bone-mass/?format=pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["bibtex", "csl", "ris"])
def test_export_of_a_missing_claim_is_short_plain_text(anon, library, fmt):
    response = anon.get(f"/api/claims/no-such-claim/?format={fmt}")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "No Claim matches the given query.\n"


def test_export_of_a_draft_is_404_for_anonymous(anon, library):
    assert anon.get("/api/claims/secret-draft/?format=bibtex").status_code == 404


def test_bad_filter_in_an_export_is_plain_text_400(anon, library):
    response = anon.get("/api/references/?format=ris&year_min=abc")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "year_min: Enter a whole number.\n"


def test_claim_bibtex_has_exactly_its_references_and_parses(anon, library):
    text = body(anon.get("/api/claims/prko-bone-mass/?format=bibtex"))

    entries = {entry.key: entry for entry in bibtexparser.parse_string(text).entries}
    assert sorted(entries) == ["prior1990progesterone", "rickard2008progesterone"]
    rickard = entries["rickard2008progesterone"]
    assert rickard.entry_type == "article"
    assert rickard.fields_dict["doi"].value == "10.1210/en.2007-1247"
    assert rickard.fields_dict["year"].value == "2008"
    assert rickard.fields_dict["author"].value == "Rickard, David J. and Iwaniec, Urszula T."


def test_claim_csl_json_items_match_the_records(anon, library):
    items = json.loads(body(anon.get("/api/claims/prko-bone-mass/?format=csl")))

    by_id = {item["id"]: item for item in items}
    assert sorted(by_id) == ["prior1990progesterone", "rickard2008progesterone"]
    rickard = by_id["rickard2008progesterone"]
    assert rickard["type"] == "article-journal"
    assert rickard["DOI"] == "10.1210/en.2007-1247"
    assert rickard["page"] == "2383-2390"
    assert rickard["issued"] == {"date-parts": [[2008]]}
    assert rickard["author"] == [
        {"family": "Rickard", "given": "David J."},
        {"family": "Iwaniec", "given": "Urszula T."},
    ]


def test_topic_ris_has_references_of_public_claims_only(anon, library):
    response = anon.get("/api/topics/bone/", HTTP_ACCEPT=RIS)

    assert response["Content-Disposition"] == 'attachment; filename="bone.ris"'
    entries = rispy.load(io.StringIO(body(response)))
    assert sorted(entry["id"] for entry in entries) == [
        "prior1990progesterone",
        "rickard2008progesterone",
    ]
    rickard = next(entry for entry in entries if entry["id"] == "rickard2008progesterone")
    assert rickard["type_of_reference"] == "JOUR"
    assert rickard["authors"] == ["Rickard, David J.", "Iwaniec, Urszula T."]
    assert rickard["doi"] == "10.1210/en.2007-1247"
    assert (rickard["start_page"], rickard["end_page"]) == ("2383", "2390")
    assert rickard["year"] == "2008"


def test_reference_list_export_is_unpaginated_and_streams(anon, library):
    claim = library["claim"]
    for reference in ReferenceFactory.create_batch(30):
        EvidenceFactory(claim=claim, reference=reference)

    response = anon.get("/api/references/?format=bibtex&page_size=5")

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="references.bib"'
    assert len(bibtexparser.parse_string(body(response)).entries) == 32


def test_reference_detail_export_names_file_after_citekey(anon, db):
    reference = ReferenceFactory(citekey="who:2020-bone")
    EvidenceFactory(claim=ClaimFactory(), reference=reference)

    response = anon.get("/api/references/who:2020-bone/?format=bibtex")

    assert response["Content-Disposition"] == 'attachment; filename="who_2020-bone.bib"'
    assert [entry.key for entry in bibtexparser.parse_string(body(response)).entries] == [
        "who:2020-bone"
    ]


def test_empty_csl_export_is_an_empty_json_array(anon, db):
    assert json.loads(body(anon.get("/api/references/?format=csl"))) == []


def test_claim_list_export_follows_the_filters(anon, library):
    other = ClaimFactory(slug="other")
    EvidenceFactory(claim=other, reference=ReferenceFactory(citekey="other2000x"))

    text = body(anon.get("/api/claims/?topic=bone&format=bibtex"))

    keys = sorted(entry.key for entry in bibtexparser.parse_string(text).entries)
    assert keys == ["prior1990progesterone", "rickard2008progesterone"]
