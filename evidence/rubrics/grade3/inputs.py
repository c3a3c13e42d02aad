"""grade-3's inputs: the vocabulary (model choice values), ClaimFacts and ItemFacts, and the
per-item steps: what counts (step 1) and each item's level (step 2).

grade-2's vocabulary is reused where grade-3 keeps it (one home per word); what grade-3
adds or changes is defined here.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from evidence.rubrics.grade2.inputs import _ITEM_CHOICES as GRADE2_ITEM_CHOICES
from evidence.rubrics.grade2.inputs import (
    CLAIM_CELL_SPECIES,
    CLAIM_POPULATIONS,
    COMPARATOR_MATCHES,
    DESIGNS,
    DOSE_RESPONSES,
    EFFECT_MEASURES,
    FAMILIES,
    FUNDINGS,
    ITEM_CELL_SPECIES,
    ITEM_POPULATIONS,
    MATCH_LEVELS,
    MATCHES,
    META_ANALYSES,
    RECORDS,
    RISKS_OF_BIAS,
    SAME_DIRECTIONS,
    SECONDARY_DESIGNS,
    SMALL_STUDY_EFFECTS,
    SOURCE_ACCESSES,
    SPECIES,
    STANCES,
    VIAS,
    check_choice,
)
from evidence.rubrics.grade2.inputs import (
    COUNTED_STANCES as COUNTED_STANCES,
)
from evidence.rubrics.grade2.inputs import (
    INSUFFICIENT as INSUFFICIENT,
)
from evidence.rubrics.grade2.inputs import (
    NOT_GRADED as NOT_GRADED,
)
from evidence.rubrics.grade2.inputs import (
    why_not_counted as why_not_counted,
)
from evidence.rubrics.levels import HIGH, LEVEL_NAMES, LOW, MODERATE, VERY_LOW

RUBRIC = "grade-3"

LEVELS = (*LEVEL_NAMES.values(), INSUFFICIENT, NOT_GRADED)
SUPPORTED, CONTRADICTED, CONTESTED = "supported", "contradicted", "contested"
NO_DIFFERENCE, NONE = "no_difference", "none"
DIRECTIONS = (SUPPORTED, CONTRADICTED, NO_DIFFERENCE, CONTESTED, NONE)
DIRECTION_WORDS = {
    SUPPORTED: "Supported",
    CONTRADICTED: "Contradicted",
    NO_DIFFERENCE: "No difference shown",
    CONTESTED: "Contested",
    NONE: "No testing evidence",
}

# Claim inputs new in grade-3. `association` (grade-2) is graded as `effect`.
QUESTIONS = ("effect", "prognostic", "background", "association")
MID_SCALES = ("difference", "ratio")
CLAIMED_DIRECTIONS = ("unspecified", "increase", "decrease", "either", "none")
# Item inputs new in grade-3.
RANDOMISED = ("yes", "no", "not_reported")
ROB_TOOLS = ("RoB 2", "ROBINS-I", "ROBINS-E", "QUIPS", "SYRCLE")  # others are free text
CI_SOURCES = ("reported", "derived")

# Findings (step 4).
FOR, AGAINST, NULL, MIXED = "for", "against", "null", "mixed"
FINDINGS = (FOR, AGAINST, NULL, MIXED)

START_LEVELS = {
    "meta_analysis_rct": HIGH,
    "rct": HIGH,
    "animal": LOW,  # HIGH when randomised = yes
    "in_vitro": LOW,
    "meta_analysis_obs": LOW,  # HIGH for a prognostic question
    "cohort": LOW,  # HIGH for a prognostic question
    "case_control": LOW,
    "cross_sectional": LOW,
    "case_series": VERY_LOW,
}
PROGNOSTIC_HIGH = ("cohort", "meta_analysis_obs")
OBSERVATIONAL_UP = ("cohort", "case_control", "cross_sectional", "meta_analysis_obs")
MAX_INDIRECTNESS = 2
MAX_POPULATION = 2
SECONDARY_CAP, NARRATIVE_CAP, SINGLE_STUDY_CAP, LABORATORY_CAP, UNVERIFIED_CAP = (
    VERY_LOW,
    LOW,
    MODERATE,
    LOW,
    LOW,
)
OIS = 400
RATIO_THRESHOLDS = (0.75, 1.25)

CI_NEEDS_BOTH = "A confidence interval needs both ends ({what}: {low!r} to {high!r})."
CI_ORDER = "A confidence interval's low end exceeds its high end ({what}: {low!r} to {high!r})."
RATIO_POSITIVE = "A ratio and its confidence interval must be above 0 ({what})."
MID_POSITIVE = "The MID must be above 0 (above 1 on the ratio scale); got {mid!r}."
SIZE_POSITIVE = "A sample size must be at least 1 ({what}: {size!r})."


def _check_ci(what: str, measure: str, value, low, high) -> None:
    if (low is None) != (high is None):
        raise ValueError(CI_NEEDS_BOTH.format(what=what, low=low, high=high))
    if low is not None and low > high:
        raise ValueError(CI_ORDER.format(what=what, low=low, high=high))
    if measure == "ratio" and any(v is not None and not v > 0 for v in (value, low, high)):
        raise ValueError(RATIO_POSITIVE.format(what=what))


@dataclass(frozen=True)
class ClaimFacts:
    """What grade-3 needs to know about the claim (model choice values).

    `population` may be given by position; every other field by keyword. `mid` is the
    minimal important difference on `mid_scale` (> 0; > 1 on the ratio scale). The pooled
    estimate (`pooled_*`, a 95 % CI) pools the deciding studies; `pooled_ci_source` says
    whether its CI was reported or derived. `parts` names the claims that are parts of this
    one (relation `part_of`): a claim with parts is not graded itself.
    """

    population: str
    _: KW_ONLY
    question: str = "effect"
    cell_species: str = "any"
    mid: float | None = None
    mid_scale: str = "difference"
    claimed_direction: str = "unspecified"
    pooled_measure: str = "difference"
    pooled_value: float | None = None
    pooled_ci_low: float | None = None
    pooled_ci_high: float | None = None
    pooled_ci_source: str = "reported"
    parts: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "parts", tuple(self.parts))
        check_choice("claim population", self.population, CLAIM_POPULATIONS)
        check_choice("question", self.question, QUESTIONS)
        check_choice("claim cell_species", self.cell_species, CLAIM_CELL_SPECIES)
        check_choice("mid_scale", self.mid_scale, MID_SCALES)
        check_choice("claimed_direction", self.claimed_direction, CLAIMED_DIRECTIONS)
        check_choice("pooled_measure", self.pooled_measure, EFFECT_MEASURES)
        check_choice("pooled_ci_source", self.pooled_ci_source, CI_SOURCES)
        if self.mid is not None and not self.mid > (1 if self.mid_scale == "ratio" else 0):
            raise ValueError(MID_POSITIVE.format(mid=self.mid))
        _check_ci(
            "pooled estimate",
            self.pooled_measure,
            self.pooled_value,
            self.pooled_ci_low,
            self.pooled_ci_high,
        )

    @property
    def has_pooled_ci(self) -> bool:
        return self.pooled_ci_low is not None


@dataclass(frozen=True, kw_only=True)
class ItemFacts:
    """What grade-3 needs to know about one evidence item (model choice values).

    grade-2's fields keep their meaning. New: `comparison` (free-text key; "" is the claim's
    main comparison), `randomised` (yes / no / not_reported), `rob_tool` (display only),
    `ci_source` (reported / derived). An empty `citekey` is replaced by the `label`.
    """

    label: str
    citekey: str = ""
    year: int | None = None
    stance: str
    design: str
    population: str
    sample_size: int | None = None
    effect_measure: str = "difference"
    effect_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_source: str = "reported"
    risk_of_bias: str = "not_assessed"
    rob_tool: str = ""
    via: str = "direct"
    covers: tuple[str, ...] = ()
    cell_species: str = ""
    population_match: str = "direct"
    intervention_match: str = "direct"
    outcome_match: str = "direct"
    comparator_match: str = "direct"
    i_squared: float | None = None
    same_direction: str = "unknown"
    small_study_effects: str = "not_assessed"
    dose_response: str = "not_assessed"
    confounding_reduces: bool = False
    funding: str = "not_reported"
    source_access: str = "full_text"
    record: str = "verified"
    comparison: str = ""
    randomised: str = "not_reported"

    def __post_init__(self):
        object.__setattr__(self, "covers", tuple(self.covers))
        for field, choices in _ITEM_CHOICES:
            check_choice(field, getattr(self, field), choices)
        _check_ci(self.name, self.effect_measure, self.effect_value, self.ci_low, self.ci_high)
        if self.sample_size is not None and self.sample_size < 1:
            raise ValueError(SIZE_POSITIVE.format(what=self.name, size=self.sample_size))

    @property
    def key(self) -> str:
        """The citekey used for joining and tie-breaks: the label when the citekey is empty."""
        return self.citekey or self.label

    @property
    def comparison_key(self) -> str:
        return self.comparison.strip().casefold()

    @property
    def is_synthesis(self) -> bool:
        return self.design in META_ANALYSES or self.via != "direct"

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None

    @property
    def name(self) -> str:
        return self.label or self.citekey or "an unlabelled item"


_ITEM_CHOICES = (  # grade-2's, in its order, with grade-3's two new choices
    *GRADE2_ITEM_CHOICES[:4],  # stance, design, population, effect_measure
    ("ci_source", CI_SOURCES),
    *GRADE2_ITEM_CHOICES[4:],  # risk_of_bias ... record
    ("randomised", RANDOMISED),
)


# --- Step 1: what counts (as grade-2) ------------------------------------------------------


# `why_not_counted` is grade-2's (imported above): step 1 is unchanged in grade-3.


# --- Step 2: item levels -------------------------------------------------------------------


def start_level(claim: ClaimFacts, item: ItemFacts) -> int:
    design = item.design
    if design == "animal":
        return HIGH if item.randomised == "yes" else LOW
    if design in PROGNOSTIC_HIGH and claim.question == "prognostic":
        return HIGH
    return START_LEVELS[design]


def species_rank(claim: ClaimFacts, item: ItemFacts) -> int:
    """grade-2's raw species penalty: 2 animals and 3 cells on a humans claim, 1 cells on an
    animals claim, 1 cells of the other species on a cells claim of one species, else 0."""
    population = claim.population
    if population == "cells":
        species = item.cell_species
        if (
            item.population == "cells"
            and species
            and claim.cell_species != "any"
            and species != claim.cell_species
        ):
            return 1
        return 0
    return SPECIES.get((population, item.population), 0)


def indirectness(claim: ClaimFacts, item: ItemFacts, species: int | None = None) -> int:
    """Levels lost for answering a different question than the claim's (0..2)."""
    if species is None:
        species = species_rank(claim, item)
    population = species if species < MAX_POPULATION else MAX_POPULATION
    matched = MATCH_LEVELS[item.population_match]
    if matched > population:
        population = matched
    total = (
        population
        + MATCH_LEVELS[item.intervention_match]
        + MATCH_LEVELS[item.outcome_match]
        + (1 if item.comparator_match == "indirect" else 0)
    )
    return total if total < MAX_INDIRECTNESS else MAX_INDIRECTNESS


def read_cap(item: ItemFacts) -> int:
    """The highest level an item can have for how it was read: secondary access (nobody here
    read the study or its abstract) very low; known through a narrative review low."""
    if item.source_access == "secondary":
        return SECONDARY_CAP
    if item.via == "narrative_review":
        return NARRATIVE_CAP
    return HIGH


def item_level(claim: ClaimFacts, item: ItemFacts) -> int:
    return min(read_cap(item), max(VERY_LOW, start_level(claim, item) - indirectness(claim, item)))


__all__ = [
    "AGAINST",
    "CI_SOURCES",
    "CLAIMED_DIRECTIONS",
    "CLAIM_CELL_SPECIES",
    "CLAIM_POPULATIONS",
    "COMPARATOR_MATCHES",
    "CONTESTED",
    "CONTRADICTED",
    "DESIGNS",
    "DIRECTIONS",
    "DIRECTION_WORDS",
    "DOSE_RESPONSES",
    "EFFECT_MEASURES",
    "FAMILIES",
    "FINDINGS",
    "FOR",
    "FUNDINGS",
    "HIGH",
    "INSUFFICIENT",
    "ITEM_CELL_SPECIES",
    "ITEM_POPULATIONS",
    "LEVELS",
    "LEVEL_NAMES",
    "LOW",
    "MATCHES",
    "META_ANALYSES",
    "MID_SCALES",
    "MIXED",
    "MODERATE",
    "NONE",
    "NOT_GRADED",
    "NO_DIFFERENCE",
    "NULL",
    "QUESTIONS",
    "RANDOMISED",
    "RECORDS",
    "RISKS_OF_BIAS",
    "ROB_TOOLS",
    "RUBRIC",
    "SAME_DIRECTIONS",
    "SECONDARY_DESIGNS",
    "SMALL_STUDY_EFFECTS",
    "SOURCE_ACCESSES",
    "STANCES",
    "SUPPORTED",
    "VERY_LOW",
    "VIAS",
    "ClaimFacts",
    "ItemFacts",
    "indirectness",
    "item_level",
    "read_cap",
    "species_rank",
    "start_level",
    "why_not_counted",
]
