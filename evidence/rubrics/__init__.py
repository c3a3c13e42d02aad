"""The grading rubrics, by name. A new rubric is a new version, never a silent change.

`RUBRICS[name]` is the rubric's module: it has `RUBRIC` (its name) and a pure `grade`.
grade-1 grades `grade(claim_population, facts: [EvidenceFacts])`; grade-2 grades
`grade(claim: ClaimFacts, items: [ItemFacts])`, and so does grade-3 with its own, richer
`ClaimFacts` and `ItemFacts` (`evidence.rubrics.grade3`). Which one grades claims now is the
setting `LEDGER_GRADE_RUBRIC` (environment variable of the same name, default grade-3); see
`evidence.facts.current_rubric`.
"""

from evidence.rubrics import grade1, grade2, grade3
from evidence.rubrics.profile import DomainRow, Grade, Profile

RUBRICS = {grade1.RUBRIC: grade1, grade2.RUBRIC: grade2, grade3.RUBRIC: grade3}
CURRENT_DEFAULT = grade3.RUBRIC

__all__ = [
    "RUBRICS",
    "CURRENT_DEFAULT",
    "DomainRow",
    "Grade",
    "Profile",
    "grade1",
    "grade2",
    "grade3",
]
