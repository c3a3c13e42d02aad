"""The seed loads already graded, and its stored grades are what the engine gives now.

When this fails after a change to the seed's evidence or to the rubric, run
`.venv/bin/python scripts/grade_seed.py` to write the new grades into fixtures/seed.json.
"""

import pytest

from claims.models import Claim
from evidence.services import claim_compute_grade, claims_regrade

pytestmark = pytest.mark.django_db


def test_every_seed_claim_stores_the_grade_the_engine_computes_now(seed):
    claims = list(Claim.objects.with_evidence())
    assert len(claims) == 20
    for claim in claims:
        result = claim_compute_grade(claim=claim, evidence=claim.evidence.all())
        stored = (claim.grade_level, claim.grade_direction, claim.grade_reasons, claim.grade_rubric)
        assert stored == (result.level, result.direction, list(result.reasons), "grade-2"), (
            claim.slug
        )
        assert claim.graded_at is not None


def test_regrading_the_seed_changes_nothing(seed):
    assert claims_regrade() == (20, 0)


def test_seed_grades_span_the_scale(seed):
    levels = set(Claim.objects.values_list("grade_level", "grade_direction"))
    assert {
        ("low", "supported"),
        ("insufficient", "none"),
        ("very_low", "contradicted"),
        ("not_graded", "none"),
    } <= levels
    assert ("high", "supported") not in levels
