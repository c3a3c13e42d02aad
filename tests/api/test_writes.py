"""Bad input gets a JSON 400 with field errors, never a 500, and writes nothing."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.test import APIClient

from citations.api.serializers import (
    CITEKEY_SHAPE,
    ENTRY_TYPE_SHAPE,
    EXTRA_FIELDS_SHAPE,
    INVALID_URL,
)
from citations.identifiers import INVALID_DOI
from citations.models import CITEKEY_FROZEN, Reference
from claims.models import OVERRIDE_NEEDS_RATIONALE, Claim
from claims.services import CANNOT_PUBLISH, FOUR_EYES
from config.api.exceptions import field_errors
from evidence.models import CI_NEEDS_BOTH, CI_ORDER, Evidence
from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "claim": "prko-bone-mass",
    "reference": "hidden2021draft",
    "stance": "supports",
    "design": "rct",
    "population": "humans",
    "sample_size": 500,
    "risk_of_bias": "low",
    "funding": "non_industry",
}


def test_reference_write_normalises_identifiers(curator_api, library):
    data = {
        "citekey": "new2020x",
        "title": "T",
        "doi": "https://doi.org/10.1000/ABC",
        "pmid": "PMID: 0000000007",
    }

    response = curator_api.post("/api/references/", data, format="json")

    assert response.status_code == 201
    assert (response.json()["doi"], response.json()["pmid"]) == ("10.1000/abc", "7")
    assert response.json()["identifiers"] == {
        "doi": "https://doi.org/10.1000/abc",
        "pmid": "https://pubmed.ncbi.nlm.nih.gov/7/",
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"citekey": "n1", "title": "T", "doi": "not-a-doi"}, {"doi": [INVALID_DOI]}),
        ({"citekey": "n1"}, {"title": ["This field is required."]}),
        ({"citekey": "a/b", "title": "T"}, {"citekey": [CITEKEY_SHAPE]}),
        (
            {"citekey": "n1", "title": "T", "entry_type": "art{icle"},
            {"entry_type": [ENTRY_TYPE_SHAPE.format(input="art{icle")]},
        ),
        (
            {"citekey": "n1", "title": "T", "entry_type": "journal article"},
            {"entry_type": [ENTRY_TYPE_SHAPE.format(input="journal article")]},
        ),
        (
            {"citekey": "n1", "title": "T", "extra_fields": ["x"]},
            {"extra_fields": ['Expected a dictionary of items but got type "list".']},
        ),
        (
            {"citekey": "n1", "title": "T", "extra_fields": {"Bad Key": "x"}},
            {"extra_fields": [EXTRA_FIELDS_SHAPE]},
        ),
        (
            {"citekey": "n1", "title": "T", "extra_fields": {"note": ["x"]}},
            {"extra_fields": {"note": ["Not a valid string."]}},
        ),
        (
            {"citekey": "n1", "title": "T", "year": 3000},
            {"year": ["Year must be between 1 and 2200."]},
        ),
        (
            {"citekey": "n1", "title": "T", "year": 10**30},
            {"year": ["Ensure this value is less than or equal to 32767."]},
        ),
        (
            {"citekey": "n1", "title": "T", "verification": "maybe"},
            {"verification": ['"maybe" is not a valid choice.']},
        ),
        ({"citekey": "n1", "title": "T\x00"}, {"title": ["Null characters are not allowed."]}),
        ({"citekey": "n1", "title": "T", "url": "not a url"}, {"url": [INVALID_URL]}),
    ],
)
def test_bad_reference_is_400_with_field_errors(curator_api, library, data, errors):
    response = curator_api.post("/api/references/", data, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Reference.objects.count() == 3


def test_duplicate_citekey_and_doi_are_400(curator_api, library):
    duplicate_key = {"citekey": "rickard2008progesterone", "title": "T"}
    duplicate_doi = {"citekey": "n1", "title": "T", "doi": "DOI:10.1210/EN.2007-1247"}

    key_response = curator_api.post("/api/references/", duplicate_key, format="json")
    doi_response = curator_api.post("/api/references/", duplicate_doi, format="json")

    assert key_response.status_code == doi_response.status_code == 400
    assert key_response.json() == {"citekey": ["Reference with this Citekey already exists."]}
    assert doi_response.json() == {"doi": ["Reference with this DOI already exists."]}


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"ci_low": 2.0, "ci_high": 1.0}, {"ci_low": [CI_ORDER]}),
        ({"ci_low": 1.0}, {"ci_high": [CI_NEEDS_BOTH]}),
        ({"effect_value": 5.0, "ci_low": 1.0, "ci_high": 2.0}, {"effect_value": [CI_ORDER]}),
        ({"stance": "believes"}, {"stance": ['"believes" is not a valid choice.']}),
        (
            {"sample_size": 2**31},
            {"sample_size": ["Ensure this value is less than or equal to 2147483647."]},
        ),
        (
            {"sample_size": 10**40},
            {"sample_size": ["Ensure this value is less than or equal to 2147483647."]},
        ),
        (
            {"sample_size": 0},
            {"sample_size": ["Ensure this value is greater than or equal to 1."]},
        ),
        ({"sample_size": "many"}, {"sample_size": ["A valid integer is required."]}),
        ({"effect_value": "NaN"}, {"effect_value": ["A valid number is required."]}),
        ({"claim": "no-such-claim"}, {"claim": ["Object with slug=no-such-claim does not exist."]}),
        ({"reference": "bad\x00key"}, {"reference": ["Invalid value."]}),
        ({"reference": 17}, {"reference": ["Object with citekey=17 does not exist."]}),
    ],
)
def test_bad_evidence_is_400_with_field_errors(curator_api, library, extra, errors):
    response = curator_api.post("/api/evidence/", {**EVIDENCE, **extra}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert Evidence.objects.count() == 3


def test_model_validation_errors_without_a_field_are_non_field_errors():
    error = DjangoValidationError({NON_FIELD_ERRORS: ["Broken."], "year": ["Too late."]})

    assert field_errors(error) == {"non_field_errors": ["Broken."], "year": ["Too late."]}


def as_draft(slug="prko-bone-mass"):
    """Drafts are written live; a public claim's writes are staged (tests/api/test_revisions)."""
    Claim.objects.filter(slug=slug).update(status="draft")


def test_evidence_item_twice_for_the_same_outcome_is_400(curator_api, library):
    as_draft()
    first = curator_api.post("/api/evidence/", EVIDENCE, format="json")
    second = curator_api.post("/api/evidence/", EVIDENCE, format="json")

    assert first.status_code == 201
    assert second.status_code == 400
    assert Evidence.objects.count() == 4


def test_missing_fields_are_400(curator_api, library):
    response = curator_api.post("/api/evidence/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"claim", "reference", "stance", "design", "population"}


def test_override_without_rationale_is_400(curator_api, library):
    url = "/api/claims/prko-bone-mass/override-grade/"

    response = curator_api.post(url, {"level": "low"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"override_rationale": [OVERRIDE_NEEDS_RATIONALE]}
    assert Claim.objects.get(slug="prko-bone-mass").grade_override == ""


def test_override_with_rationale_shows_beside_the_computed_grade(curator_api, library):
    url = "/api/claims/prko-bone-mass/override-grade/"

    response = curator_api.post(url, {"level": "low", "rationale": "One lab."}, format="json")

    assert response.status_code == 200
    assert (response.json()["grade_override"], response.json()["override_rationale"]) == (
        "low",
        "One lab.",
    )


def test_computed_grade_is_read_only(curator_api, library):
    as_draft()
    response = curator_api.patch(
        "/api/claims/prko-bone-mass/",
        {"grade_level": "high", "status": "draft", "summary": "S"},
        format="json",
    )

    assert response.status_code == 200
    claim = Claim.objects.get(slug="prko-bone-mass")
    # The client's "high" is ignored: the update regrades (one mouse study for a humans claim).
    assert (claim.grade_level, claim.status, claim.summary) == ("very_low", "draft", "S")


def test_claim_with_unknown_topic_writes_nothing(curator_api, library):
    data = {"statement": "S.", "slug": "s", "topics": ["bone", "nope"]}

    response = curator_api.post("/api/claims/", data, format="json")

    assert response.status_code == 400
    assert response.json() == {"topics": ["Object with slug=nope does not exist."]}
    assert not Claim.objects.filter(slug="s").exists()


def test_malformed_json_is_400(curator_api, library):
    response = curator_api.generic(
        "POST", "/api/topics/", "{not json", content_type="application/json"
    )

    assert response.status_code == 400


def test_a_cited_citekey_never_changes(curator_api, library):
    url = "/api/references/rickard2008progesterone/"

    response = curator_api.patch(url, {"citekey": "renamed2008"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"citekey": [CITEKEY_FROZEN]}


def test_an_uncited_citekey_may_change(curator_api, library):
    curator_api.post("/api/references/", {"citekey": "draft1", "title": "T"}, format="json")

    response = curator_api.patch("/api/references/draft1/", {"citekey": "draft2"}, format="json")

    assert response.status_code == 200
    assert response.json()["citekey"] == "draft2"


def test_claim_goes_from_draft_to_published_through_the_workflow(curator_api, anon, library):
    curator_api.post("/api/claims/", {"statement": "New.", "slug": "new"}, format="json")
    evidence = {**EVIDENCE, "claim": "new"}

    assert curator_api.post("/api/evidence/", evidence, format="json").status_code == 201
    assert curator_api.post("/api/claims/new/submit/").json()["status"] == "in_review"
    refused = curator_api.post("/api/claims/new/publish/")
    reviewer = APIClient()
    reviewer.force_authenticate(CuratorFactory())
    published = reviewer.post("/api/claims/new/publish/")

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": [FOUR_EYES]}

    assert published.status_code == 200
    assert published.json()["status"] == "published"
    # A low-risk trial of 500 people, but nobody has checked its record yet: at most low.
    assert published.json()["grade_level"] == "low"
    assert "At most low: nobody has checked the record of" in published.json()["grade_reasons"][-2]
    assert anon.get("/api/claims/new/").status_code == 200


def test_publishing_a_draft_directly_is_400(curator_api, library):
    response = curator_api.post("/api/claims/secret-draft/publish/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [CANNOT_PUBLISH]}
    assert Claim.objects.get(slug="secret-draft").status == "draft"


def test_retraction_needs_a_reason(curator_api, library):
    url = "/api/claims/prko-bone-mass/retract/"

    missing = curator_api.post(url, {}, format="json")
    retracted = curator_api.post(url, {"reason": "Misread figure 2."}, format="json")

    assert missing.status_code == 400
    assert missing.json() == {"reason": ["This field is required."]}
    assert retracted.json()["retraction_reason"] == "Misread figure 2."
    assert retracted.json()["status"] == "retracted"


def test_workflow_actions_are_refused_to_anonymous_and_staff(anon, staff_api, library):
    for client, refused in ((anon, 401), (staff_api, 403)):
        response = client.post("/api/claims/prko-bone-mass/retract/", {"reason": "x"})
        assert response.status_code == refused
    assert Claim.objects.get(slug="prko-bone-mass").status == "published"


def test_evidence_writes_regrade_the_claim(curator_api, library):
    as_draft()
    item = curator_api.post("/api/evidence/", EVIDENCE, format="json").json()
    graded = Claim.objects.get(slug="prko-bone-mass")

    curator_api.delete(item["api_url"])

    assert graded.grade_level == "low"
    assert Claim.objects.get(slug="prko-bone-mass").grade_level == "very_low"


def test_curators_write_the_grade2_fields_and_covers_and_readers_see_them(
    curator_api, anon, library
):
    data = {
        **EVIDENCE,
        "claim": "prko-bone-mass",
        "reference": "prior1990progesterone",
        "outcome": "pooled",
        "design": "meta_analysis_rct",
        "via": "direct",
        "covers": ["rickard2008progesterone"],
        "i_squared": 81,
        "same_direction": "no",
        "effect_measure": "ratio",
        "effect_value": 0.68,
        "ci_low": 0.38,
        "ci_high": 0.97,
        "ci_source": "derived",
        "ci_derivation": "From the forest plot, figure 2.",
        "source_access": "abstract",
    }
    staged = curator_api.post("/api/evidence/", data, format="json")
    assert staged.status_code == 202, staged.json()
    reviewer = APIClient()
    reviewer.force_authenticate(CuratorFactory())
    url = f"/api/claims/prko-bone-mass/revisions/{staged.json()['id']}/approve/"
    assert reviewer.post(url).status_code == 200
    pk = Evidence.objects.get(outcome="pooled").pk
    item = anon.get(f"/api/evidence/{pk}/").json()
    assert {key: item[key] for key in ("covers", "i_squared", "ci_source", "source_access")} == {
        "covers": ["rickard2008progesterone"],
        "i_squared": 81.0,
        "ci_source": "derived",
        "source_access": "abstract",
    }
    claim = anon.get("/api/claims/prko-bone-mass/").json()
    pooled = next(e for e in claim["evidence"] if e["outcome"] == "pooled")
    assert pooled["covers"] == ["rickard2008progesterone"]
    assert pooled["reference"]["retraction"] == "none"
    assert claim["question"] == "effect"
    assert anon.get("/api/evidence/?covers=rickard2008progesterone").json()["count"] == 1


def test_the_api_refuses_an_i_squared_over_100_and_a_negative_ratio(curator_api, library):
    too_much = curator_api.post("/api/evidence/", {**EVIDENCE, "i_squared": 101}, format="json")
    negative = {**EVIDENCE, "effect_measure": "ratio", "effect_value": -0.5}
    assert too_much.status_code == 400
    assert curator_api.post("/api/evidence/", negative, format="json").status_code == 400
