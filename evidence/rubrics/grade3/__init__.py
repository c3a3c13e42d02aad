"""Rubric `grade-3`: GRADE, adapted (DESIGN.md, section "Grading, rubric grade-3").

Work in progress: the interface (`ClaimFacts`, `ItemFacts`, `Grade`, `Profile`) is fixed;
`grade` follows.
"""

from evidence.rubrics.grade3.inputs import *  # noqa: F403 - the vocabulary is the interface
from evidence.rubrics.grade3.inputs import RUBRIC, ClaimFacts, ItemFacts

__all__ = ["RUBRIC", "ClaimFacts", "ItemFacts"]
