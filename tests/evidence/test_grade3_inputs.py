"""grade-3's inputs end to end: the model refuses what the rubric cannot read (CHECK and
clean()), the API takes them with 400 field errors, evidence.facts reads a claim's parts
without a query per claim, and every regrade path stores `grade_provisional`."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import (
    MID_RATIO_ABOVE_ONE,
    POOLED_CI_NEEDS_BOTH,
    POOLED_CI_ORDER,
    Claim,
    ClaimRelation,
)
from evidence.facts import claim_values, compute_grade, item_facts, parts_by_claim
from evidence.rubrics import grade2, grade3
from evidence.services import claim_regrade, claims_regrade
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def whole_with_parts(slug="whole", parts=2):
    whole = ClaimFactory(slug=slug)
    EvidenceFactory(claim=whole, risk_of_bias="low", sample_size=500)
    for number in range(parts):
        part = ClaimFactory(slug=f"{slug}-part-{number}")
        ClaimRelation.objects.create(from_claim=part, to_claim=whole, kind="part_of")
    return whole


# --- the model ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"pooled_value": 0.5, "pooled_ci_low": 0.1}, {"pooled_ci_high": [POOLED_CI_NEEDS_BOTH]}),
        ({"pooled_ci_low": 0.9, "pooled_ci_high": 0.1}, {"pooled_ci_low": [POOLED_CI_ORDER]}),
        (
            {"pooled_value": 2.0, "pooled_ci_low": 0.1, "pooled_ci_high": 0.9},
            {"pooled_value": [POOLED_CI_ORDER]},
        ),
        ({"mid": 1.0, "mid_scale": "ratio"}, {"mid": [MID_RATIO_ABOVE_ONE]}),
    ],
)
def test_claim_clean_names_the_field_of_a_bad_grading_input(fields, errors):
    claim = ClaimFactory.build(slug="bad-input", **fields)
    with pytest.raises(ValidationError) as caught:
        claim.full_clean()
    assert caught.value.message_dict == errors


@pytest.mark.parametrize(
    "fields",
    [
        {"pooled_ci_low": 0.1},
        {"pooled_ci_low": 0.9, "pooled_ci_high": 0.1},
        {"mid": 0.8, "mid_scale": "ratio"},
        {"pooled_measure": "ratio", "pooled_value": -1.0},
        {"claimed_direction": "sideways"},
    ],
)
def test_the_database_refuses_what_clean_refuses(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(slug="refused", **fields)


def test_a_ratio_mid_above_one_and_a_difference_mid_below_one_are_valid():
    ClaimFactory.build(slug="ratio", mid=1.25, mid_scale="ratio").full_clean()
    ClaimFactory.build(slug="difference", mid=0.5, mid_scale="difference").full_clean()


# --- facts ----------------------------------------------------------------------------------


def test_a_claim_with_parts_is_not_graded_and_its_facts_name_them():
    whole = whole_with_parts()
    assert claim_values(whole)["parts"] == ("whole-part-0", "whole-part-1")
    result = claim_regrade(claim=whole)
    assert (result.level, result.direction) == ("not_graded", "none")
    assert Claim.objects.get(slug="whole").grade_level == "not_graded"


def test_parts_of_many_claims_are_read_in_fixed_queries(django_assert_max_num_queries):
    for number in range(5):
        whole_with_parts(f"whole{number}", parts=number % 3)
    with django_assert_max_num_queries(7):  # claims, topics, evidence..., covers, parts
        claims = list(Claim.objects.with_evidence().filter(slug__startswith="whole"))
        grades = {claim.slug: compute_grade(claim, claim.evidence.all()) for claim in claims}
    assert grades["whole1"].level == "not_graded"
    assert grades["whole0"].level != "not_graded"
    assert parts_by_claim(Claim.objects.values("pk")) == {
        claim.pk: tuple(claim_values(claim)["parts"])
        for claim in claims
        if claim_values(claim)["parts"]
    }


def test_refines_does_not_make_a_claim_compound():
    whole = ClaimFactory(slug="broad")
    EvidenceFactory(claim=whole, risk_of_bias="low", sample_size=500)
    ClaimRelation.objects.create(
        from_claim=ClaimFactory(slug="narrow"), to_claim=whole, kind="refines"
    )
    assert claim_values(whole)["parts"] == ()
    assert claim_regrade(claim=whole).level != "not_graded"


def test_grade3_reads_the_tool_by_its_name_and_grade2_a_prognostic_claim_as_association():
    item = EvidenceFactory(rob_tool="rob2", risk_of_bias="low", comparison=" CEE+MP vs CEE ")
    facts = item_facts(item, grade3.RUBRIC)
    assert (facts.rob_tool, facts.comparison_key, facts.randomised) == (
        "RoB 2",
        "cee+mp vs cee",
        "not_reported",
    )
    claim = ClaimFactory(slug="prognostic", question="prognostic", mid=1.25, mid_scale="ratio")
    for rubric in (grade2.RUBRIC, grade3.RUBRIC):
        assert compute_grade(claim, [item], rubric).level  # grade-2 has no "prognostic"


# --- regrade paths store provisional ----------------------------------------------------------


def unassessed_trial_claim(slug):
    claim = ClaimFactory(slug=slug, claimed_direction="increase")
    reference = ReferenceFactory(verification="verified")
    EvidenceFactory(
        claim=claim,
        reference=reference,
        design="rct",
        sample_size=500,
        effect_value=1.0,
        ci_low=0.5,
        ci_high=1.5,
        risk_of_bias="not_assessed",
    )
    return claim


def test_single_and_batch_regrades_store_the_same_provisional_grade():
    claim = unassessed_trial_claim("unassessed")
    single = claim_regrade(claim=claim)
    assert single.provisional is True
    assert Claim.objects.get(pk=claim.pk).grade_provisional is True
    Claim.objects.filter(pk=claim.pk).update(grade_provisional=False, grade_level="")
    assert claims_regrade(batch_size=1) == (1, 1)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.grade_level, stored.grade_provisional) == (single.level, True)


def test_assessing_risk_of_bias_clears_provisional():
    claim = unassessed_trial_claim("assessed-later")
    claim_regrade(claim=claim)
    claim.evidence.update(risk_of_bias="low", rob_tool="rob2")
    claim_regrade(claim=claim)
    assert Claim.objects.get(pk=claim.pk).grade_provisional is False


def test_a_batch_regrade_sees_parts_added_since_the_last_grade():
    whole = whole_with_parts("batch-whole", parts=0)
    claims_regrade()
    assert Claim.objects.get(pk=whole.pk).grade_level != "not_graded"
    ClaimRelation.objects.create(
        from_claim=ClaimFactory(slug="late-part"), to_claim=whole, kind="part_of"
    )
    claims_regrade(batch_size=2)
    assert Claim.objects.get(pk=whole.pk).grade_level == "not_graded"
