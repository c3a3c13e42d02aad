"""Rubric grade-1 under its first name: `evidence.grading.grade(claim_population, facts)`.

Kept so callers of the first wave keep working; the rubrics live in `evidence.rubrics`.
"""

from evidence.rubrics.grade1 import *  # noqa: F403
