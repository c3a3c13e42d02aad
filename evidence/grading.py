"""Contract alias: the design names rubric grade-1 `evidence.grading.grade(claim_population,
facts)`.

The team's design contract (docs/architecture.md, "Names the design contract keeps") says to
keep `evidence.grading.grade` working as grade-1, so the name stays
(tests/test_contract_names.py). The rubric lives in `evidence.rubrics.grade1`; new code
imports that (or `evidence.rubrics.RUBRICS`).
"""

from evidence.rubrics.grade1 import EvidenceFacts, Grade, grade

__all__ = ["EvidenceFacts", "Grade", "grade"]
