"""grade-2's inputs: the vocabulary (model choice values), ClaimFacts and ItemFacts, and the
per-item steps: what counts (step 1) and each item's level (step 2)."""

from __future__ import annotations

from dataclasses import dataclass

from evidence.rubrics.levels import (  # the order of levels, part of grade-2's vocabulary
    HIGH,
    INSUFFICIENT,
    LEVEL_NAMES,
    LOW,
    NOT_GRADED,
    VERY_LOW,
)

RUBRIC = "grade-2"

LEVELS = (*LEVEL_NAMES.values(), INSUFFICIENT, NOT_GRADED)
SUPPORTED, CONTRADICTED, CONTESTED, NONE = "supported", "contradicted", "contested", "none"
DIRECTIONS = (SUPPORTED, CONTRADICTED, CONTESTED, NONE)

# Vocabularies: the model's choice values (tests/evidence/test_grade2_vocabularies.py ties them).
AGAINST_STANCES = ("contradicts", "no_effect")
COUNTED_STANCES = ("supports", *AGAINST_STANCES, "mixed")
STANCES = (*COUNTED_STANCES, "asserts", "mentions")
START_LEVELS = {
    "meta_analysis_rct": HIGH,
    "rct": HIGH,
    "animal": HIGH,
    "in_vitro": HIGH,
    "meta_analysis_obs": LOW,
    "cohort": LOW,
    "case_control": LOW,
    "cross_sectional": LOW,
    "case_series": VERY_LOW,
}
ASSOCIATION_HIGH = ("cohort", "meta_analysis_obs")
SECONDARY_DESIGNS = ("narrative_review", "textbook", "expert_opinion", "popular")
DESIGNS = (*START_LEVELS, *SECONDARY_DESIGNS)
META_ANALYSES = ("meta_analysis_rct", "meta_analysis_obs")
FAMILIES = {
    "rct": "randomised",
    "meta_analysis_rct": "randomised",
    "cohort": "observational",
    "case_control": "observational",
    "cross_sectional": "observational",
    "meta_analysis_obs": "observational",
    "case_series": "observational",
    "animal": "animal",
    "in_vitro": "cells",
}
ITEM_POPULATIONS = ("humans", "animals", "cells")
CLAIM_POPULATIONS = (*ITEM_POPULATIONS, "any")
QUESTIONS = ("effect", "association", "background")
CLAIM_CELL_SPECIES = ("any", "human", "animal")
ITEM_CELL_SPECIES = ("", "human", "animal")
EFFECT_MEASURES = ("difference", "ratio")
RISKS_OF_BIAS = ("low", "some_concerns", "high", "critical", "not_assessed")
VIAS = ("direct", "systematic_review", "narrative_review")
MATCHES = ("direct", "related", "remote")
COMPARATOR_MATCHES = ("direct", "indirect")
SAME_DIRECTIONS = ("yes", "no", "unknown")
SMALL_STUDY_EFFECTS = ("detected", "not_detected", "not_assessed")
DOSE_RESPONSES = ("shown", "not_shown", "not_assessed")
FUNDINGS = ("industry", "non_industry", "mixed", "not_reported")
SOURCE_ACCESSES = ("full_text", "abstract", "secondary", "citation_only")
RECORDS = (
    "verified",
    "discrepancy",
    "unverified",
    "not_found",
    "retracted",
    "expression_of_concern",
)
UNCOUNTED_RECORDS = ("retracted", "not_found")

MATCH_LEVELS = {"direct": 0, "related": 1, "remote": 2}
# (claim population, item population) -> species penalty; every other pairing is 0.
SPECIES = {("humans", "animals"): 2, ("humans", "cells"): 3, ("animals", "cells"): 1}
MAX_INDIRECTNESS = 3
OIS_HUMANS, OIS_OTHER = 400, 40
RATIO_THRESHOLDS = (0.75, 1.25)

UNKNOWN_VALUE = "Unknown {field} {value!r}; expected one of {choices}."


def check_choice(field: str, value, choices) -> None:
    """A ValueError naming `field` unless `value` is one of `choices` (grade-2 and grade-3)."""
    if value not in choices:
        shown = ", ".join(repr(choice) for choice in choices)
        raise ValueError(UNKNOWN_VALUE.format(field=field, value=value, choices=shown))


@dataclass(frozen=True)
class ClaimFacts:
    """What grade-2 needs to know about the claim (model choice values)."""

    population: str
    question: str = "effect"
    cell_species: str = "any"
    mid: float | None = None

    def __post_init__(self):
        check_choice("claim population", self.population, CLAIM_POPULATIONS)
        check_choice("question", self.question, QUESTIONS)
        check_choice("claim cell_species", self.cell_species, CLAIM_CELL_SPECIES)


@dataclass(frozen=True, kw_only=True)
class ItemFacts:
    """What grade-2 needs to know about one evidence item (model choice values).

    `record` is the state of the item's reference: its retraction state when it has one
    (retracted, expression_of_concern), else its verification state.
    """

    label: str
    citekey: str
    year: int | None = None
    stance: str
    design: str
    population: str
    sample_size: int | None = None
    effect_measure: str = "difference"
    effect_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    risk_of_bias: str = "not_assessed"
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

    def __post_init__(self):
        object.__setattr__(self, "covers", tuple(self.covers))
        for field, choices in _ITEM_CHOICES:
            check_choice(field, getattr(self, field), choices)

    @property
    def is_synthesis(self) -> bool:
        return self.design in META_ANALYSES or self.via != "direct"

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None

    @property
    def name(self) -> str:
        return self.label or self.citekey or "an unlabelled item"


_ITEM_CHOICES = (
    ("stance", STANCES),
    ("design", DESIGNS),
    ("population", ITEM_POPULATIONS),
    ("effect_measure", EFFECT_MEASURES),
    ("risk_of_bias", RISKS_OF_BIAS),
    ("via", VIAS),
    ("cell_species", ITEM_CELL_SPECIES),
    ("population_match", MATCHES),
    ("intervention_match", MATCHES),
    ("outcome_match", MATCHES),
    ("comparator_match", COMPARATOR_MATCHES),
    ("same_direction", SAME_DIRECTIONS),
    ("small_study_effects", SMALL_STUDY_EFFECTS),
    ("dose_response", DOSE_RESPONSES),
    ("funding", FUNDINGS),
    ("source_access", SOURCE_ACCESSES),
    ("record", RECORDS),
)


# --- Step 1: what counts ---------------------------------------------------------------------


def why_not_counted(item: ItemFacts) -> str:
    """The step-1 reason `item` is not counted (a short code), or '' when it counts."""
    if item.record in UNCOUNTED_RECORDS:
        return item.record
    if item.stance not in COUNTED_STANCES:
        return item.stance
    if item.design in SECONDARY_DESIGNS:
        return "secondary"
    if item.source_access == "citation_only":
        return "citation_only"
    return ""


# --- Step 2: item levels -------------------------------------------------------------------


def start_level(claim: ClaimFacts, item: ItemFacts) -> int:
    if claim.question == "association" and item.design in ASSOCIATION_HIGH:
        return HIGH
    return START_LEVELS[item.design]


def species_penalty(claim: ClaimFacts, item: ItemFacts) -> int:
    penalty = SPECIES.get((claim.population, item.population), 0)
    if (
        claim.population == "cells"
        and item.population == "cells"
        and item.cell_species
        and claim.cell_species != "any"
        and item.cell_species != claim.cell_species
    ):
        penalty = 1
    return penalty


def indirectness(claim: ClaimFacts, item: ItemFacts, species: int | None = None) -> int:
    """Levels lost for answering a different question than the claim's (0..3)."""
    if species is None:
        species = species_penalty(claim, item)
    population = max(species, MATCH_LEVELS[item.population_match])
    total = (
        population
        + MATCH_LEVELS[item.intervention_match]
        + MATCH_LEVELS[item.outcome_match]
        + (1 if item.comparator_match == "indirect" else 0)
    )
    return min(MAX_INDIRECTNESS, total)


def item_level(claim: ClaimFacts, item: ItemFacts) -> int:
    return max(VERY_LOW, start_level(claim, item) - indirectness(claim, item))
