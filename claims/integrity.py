"""What a claim page says of the doubtful papers it cites: retracted ones and those under an
expression of concern (a reference's `retraction` state, citations.models.Retraction).

A retracted paper counts in no grade (rubric grade-2, step 1), so its evidence stands apart
from the evidence for and against, its forest-plot marker is hollow and grey, and a claim
whose every test was retracted says so instead of "sources only assert it". A paper under an
expression of concern still counts (at high risk of bias), so it stays where its stance puts
it, flagged. Either way the page opens with a notice naming the paper and its notice.
Pure: plain objects in (evidence items with their references), plain data out.
"""

from dataclasses import dataclass
from functools import cache

RETRACTED = "retracted"
CONCERN = "expression_of_concern"
FLAGGED_STATES = (RETRACTED, CONCERN)
# Stances of items that tested the claim (grade-2's counted stances).
TESTING_STANCES = ("supports", "contradicts", "no_effect", "mixed")
RETRACTED_GROUP = "retracted"
RETRACTED_HEADING = "Retracted papers (not counted)"
CITES_RETRACTED = "This claim cites a retracted paper"
CITES_CONCERN = "This claim cites a paper under an expression of concern"
RETRACTED_MARK = "retracted"  # the forest plot's label of a retracted study
WORK_STATUS = {RETRACTED: "Retracted", CONCERN: "Expression of concern"}


@dataclass(frozen=True)
class Flag:
    """A doubtful cited paper: its reference, its short label ('Smith 2020'), what it says."""

    reference: object
    label: str
    state: str

    @property
    def text(self) -> str:
        return CITES_RETRACTED if self.state == RETRACTED else CITES_CONCERN


def is_retracted(item) -> bool:
    """The item cites a retracted paper."""
    return item.reference.retraction == RETRACTED


def retracted_tests(items) -> int:
    """How many items that tested the claim cite a retracted paper."""
    return sum(1 for item in items if is_retracted(item) and item.stance in TESTING_STANCES)


def plotted_stance(item) -> str:
    """The marker a forest plot draws: the stance, or "retracted" (hollow, grey)."""
    return RETRACTED if is_retracted(item) else item.stance


def table_stance(item) -> str:
    """The stance in a plot's table of numbers: 'Retracted (was: supports)'."""
    if is_retracted(item):
        return f"Retracted (was: {stance_label(item).lower()})"
    return stance_label(item)


def stance_label(item) -> str:
    """What `item.get_stance_display()` says, from a table built once per model: Django's
    builds a dict of every choice on each call (a 200-row plot table made 200)."""
    return stance_labels(type(item)).get(item.stance, item.stance)


@cache
def stance_labels(model) -> dict[str, str]:
    return {value: str(label) for value, label in model._meta.get_field("stance").flatchoices}


def flags(items) -> list[Flag]:
    """Each doubtful cited paper once, in order of first use; retracted ones first."""
    seen: dict[int, Flag] = {}
    for item in items:
        state = item.reference.retraction
        if state in FLAGGED_STATES and item.reference_id not in seen:
            seen[item.reference_id] = Flag(item.reference, item.label, state)
    return sorted(seen.values(), key=lambda flag: FLAGGED_STATES.index(flag.state))


def work_status(reference) -> dict:
    """schema.org `creativeWorkStatus` of a cited work under a notice; {} otherwise."""
    status = WORK_STATUS.get(reference.retraction)
    return {"creativeWorkStatus": status} if status else {}
