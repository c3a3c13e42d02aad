"""Every choice a curator can pick grades, under every rubric: a new model choice value that
a rubric does not know fails here, not when a claim is regraded. Pure: unsaved instances."""

import pytest

from citations.models import Reference
from claims.models import Claim
from evidence.facts import claim_values, grade_values, row_values
from evidence.models import Evidence
from evidence.rubrics import RUBRICS

GRADED_CLAIM_FIELDS = (
    "population",
    "question",
    "cell_species",
    "mid_scale",
    "claimed_direction",
    "pooled_measure",
)
GRADED_REFERENCE_FIELDS = ("verification", "retraction")
TESTED_ITEM = {
    "stance": "supports",
    "design": "rct",
    "population": "humans",
    "sample_size": 120,
    "effect_value": 1.7,
    "ci_low": 1.2,
    "ci_high": 2.2,
}


def choice_values(model, names=None) -> list[tuple[str, str]]:
    return [
        (field.name, value)
        for field in model._meta.concrete_fields
        if field.choices and (names is None or field.name in names)
        for value, _ in field.choices
    ]


def grade(rubric, claim=None, item=None, reference=None):
    claim = claim or Claim(population="humans")
    reference = reference or Reference(citekey="rickard2008bone", year=2008)
    item = item or Evidence(reference=reference, **TESTED_ITEM)
    other = Evidence(
        reference=Reference(citekey="prior1990spinal", year=1990),
        stance="contradicts",
        design="cohort",
        population="humans",
        sample_size=60,
        effect_value=-0.4,
        ci_low=-1.0,
        ci_high=0.2,
    )
    items = [
        row_values(item, label="Rickard 2008", covers=()),
        row_values(other, label="Prior 1990", covers=()),
    ]
    return grade_values(claim_values(claim), items, rubric)


@pytest.mark.parametrize("rubric", RUBRICS)
@pytest.mark.parametrize(("field", "value"), choice_values(Evidence))
def test_every_evidence_choice_grades(rubric, field, value):
    item = Evidence(
        reference=Reference(citekey="rickard2008bone", year=2008),
        **{**TESTED_ITEM, field: value},
    )
    assert grade(rubric, item=item).level


@pytest.mark.parametrize("rubric", RUBRICS)
@pytest.mark.parametrize(("field", "value"), choice_values(Claim, GRADED_CLAIM_FIELDS))
def test_every_claim_choice_grades(rubric, field, value):
    assert grade(rubric, claim=Claim(**{"population": "humans", field: value})).level


@pytest.mark.parametrize("rubric", RUBRICS)
@pytest.mark.parametrize(("field", "value"), choice_values(Reference, GRADED_REFERENCE_FIELDS))
def test_every_reference_state_grades(rubric, field, value):
    reference = Reference(citekey="rickard2008bone", year=2008, **{field: value})
    assert grade(rubric, reference=reference).level
