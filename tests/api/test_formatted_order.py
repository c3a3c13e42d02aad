"""A formatted bibliography on the API comes in its style's order: APA sorted by author, year
and title with year suffixes for one author's two works of a year; Vancouver numbered in the
claim's citation order, which is its page's reference list's order."""

import pytest

from citations import bibliography_stream
from claims.models import Claim
from claims.pages import claim_page
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db

QUERIES = 5  # claim, evidence order, references, their names (4 measured): none per reference


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def work(citekey: str, title: str, year: int, author):
    reference = ReferenceFactory(
        citekey=citekey, title=title, container_title="Bone", year=year, volume="1"
    )
    ContributorFactory(reference=reference, person=author)
    return reference


@pytest.fixture
def same_year(db):
    """A claim citing Smith's two works of 2001 and one of Adams: the evidence added Alpha
    (a cohort) first, then Adams (animal), then Zeta (a trial): the page cites Zeta, Alpha,
    Adams (strongest design first), the reverse of citekey order."""
    claim = ClaimFactory(slug="same-year", statement="Bone is remodelled.")
    smith = PersonFactory(family="Smith", given="Jane")
    alpha = work("smith2001alpha", "Alpha cohort of bone", 2001, smith)
    zeta = work("smith2001zeta", "Zeta trial of bone", 2001, smith)
    adams = work("adams2010bone", "Bone in mice", 2010, PersonFactory(family="Adams", given="J"))
    EvidenceFactory(claim=claim, reference=alpha, design="cohort")
    EvidenceFactory(claim=claim, reference=adams, design="animal", population="animals")
    EvidenceFactory(claim=claim, reference=zeta, design="rct")
    return claim


def test_apa_sorts_by_author_then_year_then_title_with_year_suffixes(
    anon, same_year, django_assert_max_num_queries
):
    with django_assert_max_num_queries(QUERIES):
        response = anon.get("/api/claims/same-year/", {"format": "text", "style": "apa"})
        lines = body(response).splitlines()

    assert response.status_code == 200
    assert lines == [
        "Adams, J. (2010). Bone in mice. Bone, 1.",
        "Smith, J. (2001a). Alpha cohort of bone. Bone, 1.",
        "Smith, J. (2001b). Zeta trial of bone. Bone, 1.",
    ]


def test_vancouver_numbers_the_claims_citation_order_as_its_page_does(
    anon, same_year, django_assert_max_num_queries
):
    with django_assert_max_num_queries(QUERIES):
        response = anon.get("/api/claims/same-year/", {"format": "text", "style": "vancouver"})
        lines = body(response).splitlines()
    claim = Claim.objects.public().with_evidence().get(slug="same-year")
    page = claim_page(claim, url="/claims/same-year/")

    assert [line.split(". ", 1)[0] for line in lines] == ["1", "2", "3"]
    assert [line.split(". ")[2] for line in lines] == [
        "Zeta trial of bone",
        "Alpha cohort of bone",
        "Bone in mice",
    ]
    assert [reference.citekey for reference in page.references] == [
        "smith2001zeta",
        "smith2001alpha",
        "adams2010bone",
    ]


def test_html_fragment_is_in_the_same_order(anon, same_year):
    text = body(anon.get("/api/claims/same-year/", {"format": "html", "style": "apa"}))

    assert text.index("(2001a)") < text.index("(2001b)") < text.index("Zeta")
    assert text.index("Adams") < text.index("Alpha")


def test_a_reference_list_is_one_sorted_list_not_citekey_order(anon, same_year):
    lines = body(anon.get("/api/references/", {"format": "text", "style": "apa"})).splitlines()

    assert [line.split(".")[0] for line in lines] == ["Adams, J", "Smith, J", "Smith, J"]
    assert "(2001a). Alpha" in lines[1]


def test_a_sorted_list_over_the_limit_is_400_naming_the_streaming_exports(
    anon, same_year, monkeypatch
):
    monkeypatch.setattr(bibliography_stream, "SORTED_LIMIT", 2)

    refused = anon.get("/api/references/", {"format": "text", "style": "apa"})
    numbered = anon.get("/api/references/", {"format": "text", "style": "vancouver"})

    assert refused.status_code == 400
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    assert "at most 2 references" in refused.content.decode()
    assert "?format=csl" in refused.content.decode()
    assert len(body(numbered).splitlines()) == 3  # citation order streams any number


def test_a_list_keeps_streaming_past_an_entry_the_engine_fails_on(anon, monkeypatch):
    from tests.citations.engine_failure import engine_fails_on_theses
    from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

    engine_fails_on_theses(monkeypatch)  # citeproc_fixes made journal-of-endodontics work

    claim = ClaimFactory(slug="with-thesis")
    thesis = ReferenceFactory(
        citekey="smith2001thesis",
        entry_type="phdthesis",
        title="A study",
        publisher="Uni",
        year=2001,
        extra_fields={"address": "Paris"},
    )
    EvidenceFactory(claim=claim, reference=thesis)
    EvidenceFactory(claim=claim, reference=ReferenceFactory(citekey="adams2001", title="Other"))

    response = anon.get(
        "/api/claims/with-thesis/", {"format": "text", "style": "journal-of-endodontics"}
    )
    lines = body(response).splitlines()

    assert response.status_code == 200
    assert len(lines) == 2
    assert any(line.startswith("Not formatted (smith2001thesis)") for line in lines)
    assert any("Other" in line for line in lines)
