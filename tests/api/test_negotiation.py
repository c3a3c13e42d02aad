"""Content negotiation of exports: q-values, an explicit format winning, the charset of
BibTeX, and one reference's CSL-JSON as one object (as doi.org answers)."""

import json

import pytest

from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
REFERENCE = "/api/references/rickard2008progesterone/"


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/json;q=0.5, application/x-bibtex", "application/x-bibtex"),
        (
            "application/x-bibtex;q=0.2, application/x-research-info-systems;q=0.9",
            "application/x-research-info-systems",
        ),
        (
            "application/vnd.citationstyles.csl+json, */*;q=0.1",
            "application/vnd.citationstyles.csl+json",
        ),
        ("application/x-bibtex;q=0, */*", "application/json"),
    ],
)
def test_accept_q_values_choose_the_format(anon, library, accept, media_type):
    response = anon.get(REFERENCE, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)


def test_an_explicit_format_wins_over_accept(anon, library):
    response = anon.get(REFERENCE + "?format=bibtex", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")


def test_nothing_acceptable_is_406(anon, library):
    assert anon.get(REFERENCE, HTTP_ACCEPT="image/png").status_code == 406


def test_one_references_csl_is_one_object_a_claims_is_a_list(anon, library):
    item = json.loads(body(anon.get(REFERENCE + "?format=csl")))
    assert item["id"] == "rickard2008progesterone"
    claim = json.loads(body(anon.get("/api/claims/prko-bone-mass/?format=csl")))
    assert isinstance(claim, list)


def test_bibtex_is_ascii_by_default_and_utf8_on_request(curator_api, library):
    ReferenceFactory(citekey="muller2001", title="Müller’s bone – α study")
    ascii_text = body(curator_api.get("/api/references/muller2001/?format=bibtex"))
    assert ascii_text.isascii()
    assert r"M{\"{u}}ller{\textquoteright}s bone {\textendash} $\alpha$ study" in ascii_text
    utf8 = body(curator_api.get("/api/references/muller2001/?format=bibtex&charset=utf-8"))
    assert "Müller’s bone – α study" in utf8
