"""The API reads and (for curators) writes grade-3's inputs; bad ones are 400 field errors."""

import pytest

from claims.models import MID_RATIO_ABOVE_ONE, POOLED_CI_NEEDS_BOTH, Claim
from evidence.models import Evidence

pytestmark = pytest.mark.django_db

CLAIM = "/api/claims/prko-bone-mass/"
EVIDENCE = {
    "claim": "prko-bone-mass",
    "reference": "hidden2021draft",
    "outcome": "trial",
    "stance": "no_effect",
    "design": "rct",
    "population": "humans",
    "sample_size": 90,
}


def test_curators_write_the_claims_grading_inputs_and_readers_see_them(
    curator_api, reviewer_api, anon, library
):
    inputs = {
        "question": "prognostic",
        "claimed_direction": "decrease",
        "mid": 1.25,
        "mid_scale": "ratio",
        "pooled_measure": "ratio",
        "pooled_value": 0.7,
        "pooled_ci_low": 0.6,
        "pooled_ci_high": 0.8,
    }
    response = curator_api.patch(CLAIM, inputs, format="json")  # published: staged
    assert response.status_code == 202, response.json()
    approved = reviewer_api.post(f"{CLAIM}revisions/{response.json()['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    shown = anon.get(CLAIM).json()
    assert {key: shown[key] for key in inputs} == inputs
    assert shown["grade_rubric"] == "grade-3"
    listed = anon.get("/api/claims/").json()["results"]
    assert {claim["slug"]: claim["grade_provisional"] for claim in listed}["prko-bone-mass"] is (
        shown["grade_provisional"]
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"pooled_value": 0.7, "pooled_ci_low": 0.6}, {"pooled_ci_high": [POOLED_CI_NEEDS_BOTH]}),
        ({"mid": 1.0, "mid_scale": "ratio"}, {"mid": [MID_RATIO_ABOVE_ONE]}),
        ({"claimed_direction": "up"}, {"claimed_direction": ['"up" is not a valid choice.']}),
        ({"question": "cause"}, {"question": ['"cause" is not a valid choice.']}),
    ],
)
def test_bad_claim_grading_inputs_are_400_with_field_errors(curator_api, library, data, errors):
    before = Claim.objects.values().get(slug="prko-bone-mass")
    response = curator_api.patch(CLAIM, data, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert Claim.objects.values().get(slug="prko-bone-mass") == before


def test_the_stored_grade_and_provisional_flag_are_read_only(curator_api, library):
    curator_api.patch(CLAIM, {"grade_provisional": True, "grade_level": "high"}, format="json")
    claim = Claim.objects.get(slug="prko-bone-mass")
    assert claim.grade_level != "high"


def test_curators_write_an_items_comparison_randomisation_and_tool(
    curator_api, reviewer_api, anon, library
):
    data = {
        **EVIDENCE,
        "comparison": "progesterone vs placebo",
        "randomised": "yes",
        "rob_tool": "rob2",
        "risk_of_bias": "some_concerns",
    }
    staged = curator_api.post("/api/evidence/", data, format="json")  # published claim: staged
    assert staged.status_code == 202, staged.json()
    approved = reviewer_api.post(f"{CLAIM}revisions/{staged.json()['id']}/approve/")
    assert approved.status_code == 200, approved.json()
    item = Evidence.objects.get(claim__slug="prko-bone-mass", reference__citekey="hidden2021draft")
    shown = anon.get(f"/api/evidence/{item.pk}/").json()
    assert {key: shown[key] for key in ("comparison", "randomised", "rob_tool")} == {
        "comparison": "progesterone vs placebo",
        "randomised": "yes",
        "rob_tool": "rob2",
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"rob_tool": "Cochrane"}, "rob_tool"), ({"randomised": "maybe"}, "randomised")],
)
def test_bad_item_inputs_are_400_with_field_errors(curator_api, library, extra, field):
    before = Evidence.objects.count()
    response = curator_api.post("/api/evidence/", {**EVIDENCE, **extra}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Evidence.objects.count() == before
