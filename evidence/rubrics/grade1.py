"""GRADE, made explicit: rubric `grade-1` turns a claim's evidence into a certainty level.

The first rubric, kept computable so old grades can be recomputed; `evidence.grading` is its
name in the design contract (a contract alias).

Pure: plain `EvidenceFacts` in, a `Grade` out, no ORM. The rules (docs/grading.md, "Rubric
grade-1"):

1. Testing items test the claim (stance supports, contradicts or mixed) with a primary design.
   None: level `insufficient`, direction `none`.
2. Each item starts by design (randomised and experimental designs high, observational low,
   case series very low) and loses levels for indirectness (animals or cells evidence for a
   humans claim, cells evidence for an animals claim), never below very low.
3. The deciding set D is the testing items at the highest item level L0. The grade starts at
   L0, goes down once each for risk of bias, inconsistency and imprecision within D, up once
   for a large effect of an observational item in D, and is clamped to very low..high.
4. The direction weighs every testing item by its item level.

Decisions the rubric leaves open, made here:
- A confidence interval "contains" the null value inclusively: ci_low <= null <= ci_high.
- Indirectness is judged by the item's population only (an in-vitro design on human cells is
  humans evidence); any pairing not listed (humans evidence for a cells claim) is direct.
- Steps add up first and the sum is clamped once at the end, so at the floor a large effect
  can offset imprecision: very low - 1 + 1 stays very low.
- Every item is described by its label; an empty label reads "unlabelled".
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.rubrics.levels import (
    HIGH,
    INSUFFICIENT,
    LEVEL_NAMES,
    LEVEL_WORDS,
    LOW,
    VERY_LOW,
)
from evidence.rubrics.profile import Grade

RUBRIC = "grade-1"

LEVELS = (*LEVEL_NAMES.values(), INSUFFICIENT)

SUPPORTED, CONTRADICTED, CONTESTED, NONE = "supported", "contradicted", "contested", "none"
DIRECTIONS = (SUPPORTED, CONTRADICTED, CONTESTED, NONE)

TESTING_STANCES = ("supports", "contradicts", "mixed")
STANCES = (*TESTING_STANCES, "asserts")
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
SECONDARY_DESIGNS = ("narrative_review", "textbook", "expert_opinion", "popular")
DESIGNS = (*START_LEVELS, *SECONDARY_DESIGNS)
ITEM_POPULATIONS = ("humans", "animals", "cells")
CLAIM_POPULATIONS = (*ITEM_POPULATIONS, "any")
RISKS_OF_BIAS = ("low", "some_concerns", "high", "not_assessed")

# (claim population, item population) -> levels lost; every other pairing is direct.
INDIRECTNESS = {("humans", "animals"): 2, ("humans", "cells"): 3, ("animals", "cells"): 1}
# The smallest total sample per population that is not imprecise.
OPTIMAL_SIZE = {"humans": 400, "animals": 40}
SIZE_NOUNS = {"humans": "participants", "animals": "animals"}

UNKNOWN_VALUE = "Unknown {field} {value!r}; expected one of {choices}."


@dataclass(frozen=True)
class EvidenceFacts:
    """What the grade needs to know about one evidence item (model choice values)."""

    stance: str
    design: str
    population: str
    sample_size: int | None = None
    effect_value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    null_value: float = 0.0
    risk_of_bias: str = "not_assessed"
    large_effect: bool = False
    label: str = ""

    def __post_init__(self):
        _check("stance", self.stance, STANCES)
        _check("design", self.design, DESIGNS)
        _check("population", self.population, ITEM_POPULATIONS)
        _check("risk_of_bias", self.risk_of_bias, RISKS_OF_BIAS)

    @classmethod
    def from_evidence(cls, item) -> EvidenceFacts:
        """Facts from anything shaped like an `evidence.models.Evidence` (duck-typed)."""
        return cls(
            stance=item.stance,
            design=item.design,
            population=item.population,
            sample_size=item.sample_size,
            effect_value=item.effect_value,
            ci_low=item.ci_low,
            ci_high=item.ci_high,
            null_value=item.null_value,
            risk_of_bias=item.risk_of_bias,
            large_effect=item.large_effect,
            label=item.label,
        )

    @property
    def is_testing(self) -> bool:
        return self.stance in TESTING_STANCES and self.design not in SECONDARY_DESIGNS

    @property
    def start_level(self) -> int:
        return START_LEVELS[self.design]

    @property
    def ci_contains_null(self) -> bool:
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low <= self.null_value <= self.ci_high

    @property
    def name(self) -> str:
        return self.label or "unlabelled"


def _check(field: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(UNKNOWN_VALUE.format(field=field, value=value, choices=", ".join(choices)))


def indirectness(claim_population: str, item: EvidenceFacts) -> int:
    return INDIRECTNESS.get((claim_population, item.population), 0)


def item_level(claim_population: str, item: EvidenceFacts) -> int:
    return max(VERY_LOW, item.start_level - indirectness(claim_population, item))


def testing_items(facts) -> list[EvidenceFacts]:
    return [item for item in facts if item.is_testing]


def deciding_level(claim_population: str, facts) -> int | None:
    """L0, the level the grade starts from; None without testing items."""
    levels = [item_level(claim_population, item) for item in testing_items(facts)]
    return max(levels, default=None)


def grade(claim_population: str, facts) -> Grade:
    """The grade of a claim about `claim_population` from its evidence `facts`."""
    _check("claim population", claim_population, CLAIM_POPULATIONS)
    facts = tuple(facts)
    tested = testing_items(facts)
    if not tested:
        return Grade(INSUFFICIENT, NONE, (_untested_reason(facts),))
    top = deciding_level(claim_population, tested)
    deciding = [item for item in tested if item_level(claim_population, item) == top]
    reasons = _start_reasons(claim_population, deciding, top)
    level = top
    for step, reason in _adjustments(deciding):
        level += step
        reasons.append(reason)
    if level < VERY_LOW:
        reasons.append("Stays very low: the floor of the scale")
    level = min(HIGH, max(VERY_LOW, level))
    direction, direction_reason = _direction(claim_population, tested)
    reasons.append(direction_reason)
    return Grade(LEVEL_NAMES[level], direction, tuple(reasons))


def _untested_reason(facts) -> str:
    if not facts:
        return "Insufficient: no evidence recorded"
    noun = "source only asserts it" if len(facts) == 1 else "sources only assert it"
    return f"Insufficient: no study tests it; {len(facts)} {noun} ({_names(facts)})"


def _start_reasons(claim_population: str, deciding, top: int) -> list[str]:
    """'Starts high: animal (A)', then 'Down 2: indirect, ...' when indirectness set L0."""
    first = max(item.start_level for item in deciding)
    leaders = [item for item in deciding if item.start_level == first]
    reasons = [f"Starts {_level_text(first)}: {_designs(leaders)}"]
    if top < first:
        populations = " and ".join(dict.fromkeys(item.population for item in leaders))
        reasons.append(
            f"Down {first - top}: indirect, {populations} evidence for a {claim_population}"
            f" claim ({_names(leaders)})"
        )
    others = [item for item in deciding if item.start_level != first]
    if others:
        reasons.append(f"Also {_level_text(top)}: {_designs(others)}")
    return reasons


def _adjustments(deciding) -> list[tuple[int, str]]:
    steps = []
    biased = all(item.risk_of_bias == "high" for item in deciding)
    if biased:
        reason = f"Down 1: risk of bias, high in every deciding item ({_names(deciding)})"
        steps.append((-1, reason))
    inconsistent = _inconsistency(deciding)
    if inconsistent:
        steps.append((-1, f"Down 1: inconsistency, {inconsistent}"))
    imprecise = _imprecision(deciding)
    if imprecise:
        steps.append((-1, f"Down 1: imprecision, {imprecise}"))
    large = [item for item in deciding if item.start_level == LOW and item.large_effect]
    if large and not biased and not inconsistent:
        steps.append((+1, f"Up 1: large effect ({_names(large)})"))
    return steps


def _inconsistency(deciding) -> str:
    """Why D is inconsistent, or '' when it is not."""
    by_stance = {stance: [i for i in deciding if i.stance == stance] for stance in TESTING_STANCES}
    if not by_stance["mixed"] and not (by_stance["supports"] and by_stance["contradicts"]):
        return ""
    parts = [f"{stance}: {_names(items)}" for stance, items in by_stance.items() if items]
    return "deciding items disagree (" + "; ".join(parts) + ")"


def _imprecision(deciding) -> str:
    """Why D is imprecise (small samples, intervals that include no effect), or ''."""
    parts = []
    for population, optimal in OPTIMAL_SIZE.items():
        items = [item for item in deciding if item.population == population]
        if items and all(item.sample_size is not None for item in items):
            total = sum(item.sample_size for item in items)
            if total < optimal:
                parts.append(f"{total} {SIZE_NOUNS[population]} in total ({_names(items)})")
    wide = [item for item in deciding if item.ci_contains_null]
    if wide:
        parts.append(f"confidence interval includes no effect ({_names(wide)})")
    return "; ".join(parts)


def _direction(claim_population: str, tested) -> tuple[str, str]:
    weight = {stance: 0.0 for stance in TESTING_STANCES}
    for item in tested:
        weight[item.stance] += item_level(claim_population, item)
    support = weight["supports"] + weight["mixed"] / 2
    against = weight["contradicts"] + weight["mixed"] / 2
    if support >= 2 * against:
        direction = SUPPORTED
    elif against >= 2 * support:
        direction = CONTRADICTED
    else:
        direction = CONTESTED
    return direction, (
        f"Direction {direction}: weight {_number(support)} for, {_number(against)} against"
        " (each testing item counts its level)"
    )


def _level_text(level: int) -> str:
    return LEVEL_WORDS[level]


def _designs(items) -> str:
    return ", ".join(dict.fromkeys(f"{item.design} ({item.name})" for item in items))


def _names(items) -> str:
    return "; ".join(dict.fromkeys(item.name for item in items))


def _number(value: float) -> str:
    return f"{value:g}"
