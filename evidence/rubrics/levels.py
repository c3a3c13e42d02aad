"""Certainty levels: the one home of their order.

A grade's level is one of four GRADE levels, low to high: `very_low` 1, `low` 2, `moderate`
3, `high` 4 (the number is the rank the rubrics count with: an item starts at 4 and goes down);
or a state that is no level: `insufficient` (nothing tests the claim) and `not_graded` (a
background fact). The names are the stored values of `claims.models.GradeLevel` (a test ties
the two: claims.models imports no evidence). Pure.
"""

VERY_LOW, LOW, MODERATE, HIGH = 1, 2, 3, 4
# rank -> stored value, low to high
LEVEL_NAMES = {VERY_LOW: "very_low", LOW: "low", MODERATE: "moderate", HIGH: "high"}
# stored value -> rank
LEVEL_NUMBERS = {name: number for number, name in LEVEL_NAMES.items()}
# rank -> the words a reader sees ("very low")
LEVEL_WORDS = {number: name.replace("_", " ") for number, name in LEVEL_NAMES.items()}
INSUFFICIENT, NOT_GRADED = "insufficient", "not_graded"
