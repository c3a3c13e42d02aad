"""The seed loads already graded by grade-3 (the default rubric), and its stored grades are what
the engine gives now.

When this fails after a change to the seed's evidence or to the rubric, run
`.venv/bin/python scripts/grade_seed.py` to write the new grades into fixtures/seed.json.
"""

import re

import pytest

from claims.models import Claim
from evidence.rubrics.grade3 import DESIGNS, STANCES
from evidence.services import claim_compute_grade, claims_regrade

pytestmark = pytest.mark.django_db

# Internal choice codes that never reach a reader (plain words such as "textbook" may).
CODES = re.compile(
    r"\b(" + "|".join(code for code in (*DESIGNS, *STANCES, "not_assessed") if "_" in code) + r")\b"
)


def test_every_seed_claim_stores_the_grade_grade3_computes_now(seed):
    claims = list(Claim.objects.with_evidence())
    assert len(claims) == 20
    for claim in claims:
        result = claim_compute_grade(claim=claim, evidence=claim.evidence.all())
        stored = (
            claim.grade_level,
            claim.grade_direction,
            claim.grade_provisional,
            claim.grade_reasons,
            claim.grade_rubric,
        )
        computed = (result.level, result.direction, result.provisional, list(result.reasons))
        assert stored == (*computed, "grade-3"), claim.slug
        assert claim.graded_at is not None


def test_regrading_the_seed_changes_nothing(seed):
    assert claims_regrade() == (20, 0)


GRADE_COLUMNS = (
    "grade_level",
    "grade_direction",
    "grade_provisional",
    "grade_reasons",
    "grade_rubric",
)


def stored_grades() -> dict:
    return {row[0]: row[1:] for row in Claim.objects.values_list("slug", *GRADE_COLUMNS)}


def forget_grades():
    Claim.objects.update(
        grade_level="",
        grade_direction="",
        grade_provisional=False,
        grade_reasons=[],
        grade_rubric="",
    )


def test_batch_regrade_of_the_seed_gives_back_the_seeds_stored_grades(seed):
    snapshot = stored_grades()  # fixtures/seed.json, graded claim by claim
    forget_grades()
    assert claims_regrade(batch_size=7) == (20, 20)
    assert stored_grades() == snapshot


@pytest.mark.parametrize("rubric", ["grade-1", "grade-2", "grade-3"])
def test_batch_regrade_of_the_seed_gives_each_claims_single_claim_grade(seed, rubric):
    forget_grades()
    assert claims_regrade(rubric=rubric, batch_size=7) == (20, 20)
    for claim in Claim.objects.with_evidence():
        result = claim_compute_grade(claim=claim, evidence=claim.evidence.all(), rubric=rubric)
        computed = (result.level, result.direction, result.provisional, list(result.reasons))
        expected = (*computed, rubric)
        assert stored_grades()[claim.slug] == expected, claim.slug


def test_seed_grades_span_the_scale(seed):
    levels = set(Claim.objects.values_list("grade_level", "grade_direction"))
    assert {
        ("low", "supported"),
        ("very_low", "supported"),
        ("low", "no_difference"),
        ("very_low", "no_difference"),
        ("insufficient", "none"),
        ("not_graded", "none"),
    } <= levels
    assert ("high", "supported") not in levels


def test_no_seed_reason_shows_an_internal_code(seed):
    for reasons in Claim.objects.values_list("grade_reasons", flat=True):
        for reason in reasons:
            assert not CODES.search(reason), reason


def test_seed_grades_no_longer_overstate_certainty(seed):
    grades = dict(
        (slug, (level, direction))
        for slug, level, direction in Claim.objects.values_list(
            "slug", "grade_level", "grade_direction"
        )
    )
    # grade-1 called one unverified in-vitro study "high": nothing in the seed is high now, and
    # grade-2's "contradicted" from an imprecise null is "no difference shown" under grade-3.
    assert "high" not in {level for level, _ in grades.values()}
    assert "contradicted" not in {direction for _, direction in grades.values()}
    assert grades["estrogen-induces-pr-in-osteoblasts"] == ("low", "supported")
    assert grades["progesterone-directly-stimulates-bone-formation"] == (
        "very_low",
        "no_difference",
    )
    assert grades["hormone-optimization-protocols-support-bone"] == ("not_graded", "none")
