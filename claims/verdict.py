"""The verdict a reader gets for a claim: its level's label, one sentence (level x direction,
evidence.wording), the notes beside it, and for a compound claim its parts.

Terms:
- *compound claim*: a statement bundling several outcomes; other claims are `part_of` it
  (a ClaimRelation from the part to the whole). grade-3 does not grade it itself; its page
  lists the parts with their grades.
- *notes*: "Provisional: risk of bias not yet assessed." when a deciding study was never
  assessed (the stored `grade_provisional`); the prognostic note for a prognostic-factor
  claim; the laboratory note when animal or cell studies decide a claim about people.

Reads only what `Claim.objects.public().with_evidence().with_relations()` prefetched.
"""

from evidence.wording import (
    COMPOUND,
    LABORATORY_NOTE,
    PROGNOSTIC_NOTE,
    PROVISIONAL_NOTE,
    plain_language,
)

PART_OF = "part_of"
NOT_GRADED_LABEL = "Not graded"
UNGRADED_LEVELS = {"", None, "not_graded"}
GRADED_LEVELS = {"high", "moderate", "low", "very_low"}
RETRACTED_WORDING = "This claim has been retracted: it no longer states a verdict."
BACKGROUND_WORDING = "A background fact: not graded."
COMPOUND_WORDING = COMPOUND
LABORATORY_POPULATIONS = {"animals", "cells"}


def level_label(claim) -> str:
    """'Moderate certainty'; 'Insufficient evidence' when nothing tested the claim."""
    if claim.effective_level == "insufficient":
        return "Insufficient evidence"
    if claim.effective_level in UNGRADED_LEVELS:
        return NOT_GRADED_LABEL
    display = claim.get_grade_override_display() or claim.get_grade_level_display()
    return f"{display} certainty" if display else NOT_GRADED_LABEL


def short_level_label(claim) -> str:
    """The badge of a claim in a list: 'Moderate', 'Insufficient', 'Not graded'."""
    if claim.effective_level in UNGRADED_LEVELS:
        return NOT_GRADED_LABEL
    return claim.get_grade_override_display() or claim.get_grade_level_display()


def parts_of(claim) -> list:
    """The public claims that are parts of `claim` (from its prefetched incoming relations),
    in statement order; [] for a claim that bundles nothing."""
    parts = [r.from_claim for r in claim.relations_to.all() if r.kind == PART_OF]
    return sorted(parts, key=lambda part: part.statement)


def is_compound(claim) -> bool:
    """Not graded, and not a background fact: grade-3 grades it through its parts."""
    return claim.effective_level == "not_graded" and claim.question != "background"


def reader_wording(claim, *, retracted: int = 0) -> str:
    """The one sentence a reader gets; a retracted claim states no verdict. A claim not
    graded is a background fact, or (any other question) a compound claim. `retracted`: how
    many of its tests cite a retracted paper (claims.integrity.retracted_tests)."""
    if claim.status == "retracted":
        return RETRACTED_WORDING
    if claim.effective_level == "not_graded":
        return COMPOUND_WORDING if is_compound(claim) else BACKGROUND_WORDING
    return plain_language(
        claim.effective_level,
        claim.grade_direction,
        rubric=claim.grade_rubric,
        retracted=retracted,
    )


def grade_notes(claim, deciding_items) -> list[str]:
    """The notes beside a graded claim's sentence. `deciding_items`: the evidence rows of the
    studies that decide its grade (empty when unknown)."""
    if claim.status == "retracted" or claim.effective_level not in GRADED_LEVELS:
        return []
    notes = []
    if claim.grade_provisional:
        notes.append(PROVISIONAL_NOTE)
    if claim.question == "prognostic":
        notes.append(PROGNOSTIC_NOTE)
    if is_laboratory(claim, deciding_items):
        notes.append(LABORATORY_NOTE)
    return notes


def is_laboratory(claim, deciding_items) -> bool:
    """A claim about people decided by animal or cell studies alone."""
    populations = {item.population for item in deciding_items}
    return (
        claim.population == "humans" and bool(populations) and populations <= LABORATORY_POPULATIONS
    )
