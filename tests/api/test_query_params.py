"""Filters, full-text search, ordering and pagination of the API lists."""

import pytest

from claims.models import Claim
from config.pagination import MAX_PAGE_SIZE
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def citekeys(response):
    assert response.status_code == 200, response.content
    return [item["citekey"] for item in response.json()["results"]]


def test_search_ranks_statement_matches_first_with_stemming(anon, db):
    ClaimFactory(slug="summary-only", statement="Hormones matter.", summary="About bones.")
    ClaimFactory(slug="statement", statement="Progesterone builds bone.")
    ClaimFactory(slug="unrelated", statement="Coffee is hot.")

    assert slugs(anon.get("/api/claims/?search=bones")) == ["statement", "summary-only"]


def test_search_accepts_web_search_syntax_without_error(anon, db):
    ClaimFactory(slug="mice", statement="Knockout mice have dense bone.")
    ClaimFactory(slug="women", statement="Women lose bone after menopause.")

    assert slugs(anon.get('/api/claims/?search=bone -mice "lose bone"')) == ["women"]
    assert slugs(anon.get("/api/claims/?search=(((:*&|!")) == []


def test_search_of_references_by_title_words(anon, library):
    found = citekeys(anon.get("/api/references/?search=knockout"))

    assert found == ["rickard2008progesterone"]


def test_search_never_reveals_drafts(anon, library):
    assert slugs(anon.get("/api/claims/?search=draft")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=bone", ["prko-bone-mass"]),
        ("topic=other", []),
        ("status=published", ["prko-bone-mass"]),
        ("status=draft", []),
        ("grade_level=low", ["prko-bone-mass"]),
        ("grade_level=high", []),
        ("grade_direction=supported", ["prko-bone-mass"]),
        ("stance=asserts", ["prko-bone-mass"]),
        ("stance=contradicts", []),
        ("design=animal", ["prko-bone-mass"]),
        ("population=humans", ["prko-bone-mass"]),
        ("population=cells", []),
    ],
)
def test_claim_filters(anon, library, query, expected):
    Claim.objects.filter(slug="prko-bone-mass").update(
        grade_level="low", grade_direction="supported"
    )

    assert slugs(anon.get(f"/api/claims/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year_min=2000", ["rickard2008progesterone"]),
        ("year_max=2000", ["prior1990progesterone"]),
        ("year_min=1990&year_max=2008", ["prior1990progesterone", "rickard2008progesterone"]),
        ("doi=https://doi.org/10.1210/EN.2007-1247", ["rickard2008progesterone"]),
        ("doi=not-a-doi", []),
        ("verification=verified", []),
        ("verification=unverified", ["prior1990progesterone", "rickard2008progesterone"]),
        ("claim=prko-bone-mass", ["prior1990progesterone", "rickard2008progesterone"]),
        ("topic=bone", ["prior1990progesterone", "rickard2008progesterone"]),
        ("ordering=-year", ["rickard2008progesterone", "prior1990progesterone"]),
    ],
)
def test_reference_filters(anon, library, query, expected):
    assert citekeys(anon.get(f"/api/references/?{query}")) == expected


@pytest.mark.parametrize(
    "query",
    [
        "year_min=abc",
        "year_min=99999999999999999999999",
        "year_max=1e5",
        "verification=maybe",
        "search=a%00b",
        "page=0",
        "page=abc",
    ],
)
def test_bad_query_parameters_are_client_errors(anon, library, query):
    assert anon.get(f"/api/references/?{query}").status_code in (400, 404)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stance=asserts", 1),
        ("design=animal", 1),
        ("population=animals", 1),
        ("claim=prko-bone-mass", 2),
        ("reference=rickard2008progesterone", 1),
        ("year_min=2000", 1),
        ("topic=bone", 2),
    ],
)
def test_evidence_filters(anon, library, query, expected):
    assert anon.get(f"/api/evidence/?{query}").json()["count"] == expected


def test_page_size_is_capped(anon, db):
    claim = ClaimFactory()
    for reference in ReferenceFactory.create_batch(MAX_PAGE_SIZE + 5):
        EvidenceFactory(claim=claim, reference=reference)

    response = anon.get("/api/references/?page_size=1000").json()

    assert response["count"] == MAX_PAGE_SIZE + 5
    assert len(response["results"]) == MAX_PAGE_SIZE


@pytest.mark.parametrize(
    "path",
    ["/api/claims/no-such/", "/api/evidence/99999999999999999999/", "/api/evidence/abc/"],
)
def test_unmatchable_lookups_are_json_404s(anon, db, path):
    response = anon.get(path, HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_reference_filters_do_not_reveal_what_drafts_cite(anon, curator_api, library):
    EvidenceFactory(claim=library["draft"], reference=library["references"][0])

    assert citekeys(anon.get("/api/references/?claim=secret-draft")) == []
    assert citekeys(curator_api.get("/api/references/?claim=secret-draft")) == [
        "hidden2021draft",
        "rickard2008progesterone",
    ]


@pytest.mark.parametrize("path", ["/api/claims/a%00b/", "/api/references/a%00b/"])
def test_lookups_with_a_nul_character_are_404_not_a_database_error(anon, db, path):
    assert anon.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "search=mice&stance=supports&design=animal",
        "search=mice&ordering=-updated",
        "search=mice&format=bibtex",
    ],
)
def test_search_combines_with_distinct_filters_ordering_and_exports(anon, library, query):
    response = anon.get(f"/api/claims/?{query}")

    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"prko-bone-mass" in content or b"rickard2008progesterone" in content


def test_reference_search_combines_with_visibility_and_exports(anon, library):
    response = anon.get("/api/references/?search=bone&format=csl")

    assert b"prior1990progesterone" in b"".join(response.streaming_content)
