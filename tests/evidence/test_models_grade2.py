"""The fields grade-2 reads: every choice and range is refused by clean() and by the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from citations.models import RETRACTION_DETAILS_NEED_STATE, Reference
from claims.models import MID_POSITIVE, Claim
from evidence.models import (
    DERIVED_CI_NEEDS_HOW,
    I_SQUARED_RANGE,
    RATIO_POSITIVE,
    Evidence,
)
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

RATIO = {"effect_measure": "ratio"}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"i_squared": 101}, "i_squared", I_SQUARED_RANGE),
        ({"i_squared": -1}, "i_squared", I_SQUARED_RANGE),
        ({**RATIO, "effect_value": 0}, "effect_value", RATIO_POSITIVE),
        (
            {**RATIO, "effect_value": 0.5, "ci_low": -0.1, "ci_high": 0.9},
            "effect_value",
            RATIO_POSITIVE,
        ),
        (
            {"ci_source": "derived", "ci_low": 0.1, "ci_high": 0.9},
            "ci_derivation",
            DERIVED_CI_NEEDS_HOW,
        ),
        (
            {"ci_source": "derived", "ci_derivation": "mean ± 1.96 SE"},
            "ci_derivation",
            DERIVED_CI_NEEDS_HOW,
        ),
    ],
)
def test_clean_rejects_out_of_range_grade2_values(values, field, message):
    item = EvidenceFactory.build(**values)
    with pytest.raises(ValidationError) as exc:
        item.clean()
    assert exc.value.message_dict[field] == [message]


@pytest.mark.parametrize(
    "values",
    [
        {"i_squared": 101},
        {"i_squared": -1},
        {**RATIO, "effect_value": 0},
        {**RATIO, "effect_value": 0.5, "ci_low": -0.1, "ci_high": 0.9},
        {"ci_source": "derived", "ci_low": 0.1, "ci_high": 0.9},
        {"ci_source": "guessed"},
        {"via": "hearsay"},
        {"cell_species": "plant"},
        {"population_match": "far"},
        {"intervention_match": "far"},
        {"outcome_match": "far"},
        {"comparator_match": "related"},
        {"same_direction": "maybe"},
        {"small_study_effects": "suspected"},
        {"dose_response": "weak"},
        {"funding": "government"},
        {"source_access": "rumour"},
    ],
)
def test_database_refuses_grade2_values_clean_refuses(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(**values)
    assert not Evidence.objects.exists()


def test_new_stances_and_risk_of_bias_and_covers_are_stored():
    pooled = ReferenceFactory()
    item = EvidenceFactory(
        stance="no_effect",
        risk_of_bias="critical",
        design="meta_analysis_rct",
        i_squared=81,
        same_direction="no",
        ci_source="derived",
        ci_derivation="from the forest plot, figure 2",
        effect_measure="ratio",
        effect_value=0.68,
        ci_low=0.38,
        ci_high=0.97,
    )
    item.covers.add(pooled)
    item.full_clean()
    assert list(pooled.covered_by_evidence.all()) == [item]
    EvidenceFactory(stance="mentions").full_clean()


def test_claim_mid_must_be_positive_in_clean_and_database():
    claim = ClaimFactory.build(mid=0)
    with pytest.raises(ValidationError) as exc:
        claim.clean()
    assert exc.value.message_dict["mid"] == [MID_POSITIVE]
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(mid=-1.0)
    for values in ({"question": "opinion"}, {"cell_species": "plant"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ClaimFactory(**values)
    assert not Claim.objects.exists()


def test_claim_defaults_keep_old_claims_graded_as_effect_claims():
    claim = ClaimFactory()
    assert (claim.question, claim.cell_species, claim.mid) == ("effect", "any", None)


def test_retraction_is_separate_from_verification():
    reference = ReferenceFactory(
        verification="verified",
        retraction="retracted",
        retraction_notice="10.1016/s0140-6736(10)60175-4",
        retraction_date=datetime.date(2010, 2, 6),
    )
    reference.full_clean()
    assert ReferenceFactory().retraction == "none"
    ReferenceFactory(verification="not_found").full_clean()


def test_retraction_details_need_a_retraction_state():
    reference = ReferenceFactory.build(retraction_notice="https://example.org/notice")
    with pytest.raises(ValidationError) as exc:
        reference.clean()
    assert exc.value.message_dict["retraction"] == [RETRACTION_DETAILS_NEED_STATE]
    for values in (
        {"retraction_notice": "https://example.org/notice"},
        {"retraction": "withdrawn"},
        {"verification": "retracted"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReferenceFactory(**values)
    assert not Reference.objects.exists()
