"""Rubric `grade-2`: GRADE, faithful. A claim's evidence in, a `Grade` with its profile out.

Pure (no ORM, no Django): plain `ClaimFacts` and `ItemFacts` in, a `Grade` out. The steps are
those of DESIGN.md, section "Grading, rubric grade-2":

0. A background claim is not graded.
1. Counted items test the claim (supports, contradicts, no_effect, mixed) with a primary
   design, from a record that is neither retracted nor not found and was read beyond its
   citation. None: insufficient.
2. Item level = start by design (cohorts and meta-analyses of them start high for an
   association claim) minus indirectness (species, population, intervention, outcome,
   comparator; at most 3), never below very low.
3. Items join into studies so nothing counts twice (same reference, one pools the other,
   overlapping pools, a review with unknown contents and older studies of its design family);
   joining is transitive. A study has a level, a representative and a stance.
4. The deciding set D: the studies at the top level whose representative has the smallest
   species penalty; weights are sample sizes when all are known, else 1 each.
5. Risk of bias, inconsistency, imprecision and publication bias rate down, large effects,
   dose-response and confounding rate up; the level is clamped to very low..high and capped
   at low when a deciding record is unverified.
6. The direction is weighed within D.
7. Reasons and the evidence profile in plain words (`evidence.rubrics.explain2`, which
   reads the `Judgement` this module makes).

Decisions DESIGN.md leaves open, made here:
- Only counted items join into studies: an item that is not counted (mentions, retracted,
  citation only...) can never merge or split counted studies.
- The population match counts like the other matches: direct 0, related 1, remote 2.
- The representative's last tie-break after the label is the order the items came in.
- "A ratio with both CI ends excluding 1" means the whole interval lies on one side of 1;
  large effects, dose-response and confounding may come from any representative in D, and
  the largest large-effect step counts once.
- "More than half of them industry-funded" counts studies (representatives), not weights;
  `mixed` funding is not industry funding.
- The unverified cap looks at D's representatives only (the records the grade rests on).
- "Points the other way": for a supported claim the counted studies outside D that are
  against it (contradicts, no_effect), for a contradicted one those that support it; a
  contested claim has no other way. Mixed studies point no way.
- An empty label reads as the citekey, or "an unlabelled item".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evidence.rubrics import explain2
from evidence.rubrics.profile import Grade

RUBRIC = "grade-2"

VERY_LOW, LOW, MODERATE, HIGH = 1, 2, 3, 4
LEVEL_NAMES = {VERY_LOW: "very_low", LOW: "low", MODERATE: "moderate", HIGH: "high"}
INSUFFICIENT, NOT_GRADED = "insufficient", "not_graded"
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


def _check(field: str, value, choices) -> None:
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
        _check("claim population", self.population, CLAIM_POPULATIONS)
        _check("question", self.question, QUESTIONS)
        _check("claim cell_species", self.cell_species, CLAIM_CELL_SPECIES)


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
            _check(field, getattr(self, field), choices)

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


# --- Step 1: what counts -------------------------------------------------------------------


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


def indirectness(claim: ClaimFacts, item: ItemFacts) -> int:
    population = max(species_penalty(claim, item), MATCH_LEVELS[item.population_match])
    total = (
        population
        + MATCH_LEVELS[item.intervention_match]
        + MATCH_LEVELS[item.outcome_match]
        + (1 if item.comparator_match == "indirect" else 0)
    )
    return min(MAX_INDIRECTNESS, total)


def item_level(claim: ClaimFacts, item: ItemFacts) -> int:
    return max(VERY_LOW, start_level(claim, item) - indirectness(claim, item))


class Scored:
    """A counted item with what step 2 computes for it."""

    __slots__ = ("item", "index", "start", "species", "indirect", "level", "synthesis", "family")

    def __init__(self, claim: ClaimFacts, item: ItemFacts, index: int):
        self.item = item
        self.index = index
        self.start = start_level(claim, item)
        self.species = species_penalty(claim, item)
        self.indirect = indirectness(claim, item)
        self.level = max(VERY_LOW, self.start - self.indirect)
        self.synthesis = item.is_synthesis
        self.family = FAMILIES[item.design]


# --- Step 3: studies -----------------------------------------------------------------------


@dataclass(eq=False)
class Study:
    members: list  # Scored, in input order
    level: int
    rep: Scored
    stance: str
    joins: list  # (kind, a Scored, b Scored): why members were joined

    @property
    def label(self) -> str:
        return self.rep.item.name


def join_kind(a: Scored, b: Scored) -> str:
    """Why `a` and `b` are one study ('' when they are not): DESIGN step 3."""
    x, y = a.item, b.item
    if x.citekey == y.citekey:
        return "same_reference"
    if x.citekey in y.covers or y.citekey in x.covers:
        return "pools"
    if x.covers and y.covers and not set(x.covers).isdisjoint(y.covers):
        return "overlap"
    if _may_include(a, b) or _may_include(b, a):
        return "may_include"
    return ""


def _may_include(review: Scored, other: Scored) -> bool:
    """A synthesis of unknown contents may include `other` of its design family."""
    if not review.synthesis or review.item.covers or review.family != other.family:
        return False
    if other.synthesis:
        return True
    year, other_year = review.item.year, other.item.year
    return year is None or other_year is None or other_year <= year


def studies_of(scored: list) -> list:
    """Join counted items into studies (transitively); each study in first-member order."""
    parent = list(range(len(scored)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    joins = []
    for i, a in enumerate(scored):
        for b in scored[i + 1 :]:
            kind = join_kind(a, b)
            if kind:
                ra, rb = root(a.index), root(b.index)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
                joins.append((kind, a, b))
    groups: dict[int, list] = {}
    for member in scored:
        groups.setdefault(root(member.index), []).append(member)
    by_group: dict[int, list] = {key: [] for key in groups}
    for kind, a, b in joins:
        by_group[root(a.index)].append((kind, a, b))
    return [_study(members, by_group[key]) for key, members in groups.items()]


def _study(members: list, joins: list) -> Study:
    level = max(member.level for member in members)
    rep = min((m for m in members if m.level == level), key=_representative_order)
    citekeys = {member.item.citekey for member in members}
    if len(citekeys) == 1:
        stances = {member.item.stance for member in members}
        stance = stances.pop() if len(stances) == 1 else "mixed"
    else:
        stance = rep.item.stance
    return Study(members, level, rep, stance, joins)


def _representative_order(member: Scored):
    item = member.item
    return (
        item.sample_size is None,
        -(item.sample_size or 0),
        not member.synthesis,
        item.year is None,
        -(item.year or 0),
        item.label,
    )


# --- Steps 4 and 5: the deciding set and the domains ---------------------------------------


@dataclass(frozen=True)
class Domain:
    """One domain's judgement: levels moved, the studies behind it, and why (plain words)."""

    change: int
    studies: tuple = ()
    why: str = ""


@dataclass
class Judgement:
    """Everything the steps decided, for the grade and its explanation."""

    claim: ClaimFacts
    items: tuple
    counted: list
    studies: list
    deciding: list
    weights: list
    top: int
    domains: dict
    level: int
    unclamped: int
    capped_by: tuple
    direction: str
    support: float
    against: float
    other_way: list


def deciding_set(studies: list) -> tuple[int, list]:
    top = max(study.level for study in studies)
    at_top = [study for study in studies if study.level == top]
    fewest = min(study.rep.species for study in at_top)
    return top, [study for study in at_top if study.rep.species == fewest]


def weights_of(deciding: list) -> list:
    sizes = [study.rep.item.sample_size for study in deciding]
    if all(size is not None for size in sizes):
        return sizes
    return [1] * len(deciding)


def effective_risk(item: ItemFacts) -> str:
    if item.record == "expression_of_concern" and item.risk_of_bias != "critical":
        return "high"
    return item.risk_of_bias


def risk_of_bias(deciding: list, weights: list) -> Domain:
    total = sum(weights)
    share = {}
    for study, weight in zip(deciding, weights, strict=True):
        risk = effective_risk(study.rep.item)
        share[risk] = share.get(risk, 0) + weight / total
    if share.get("low", 0) >= 0.5:
        return Domain(0)
    if share.get("critical", 0) > 0.5:
        worst = [s for s in deciding if effective_risk(s.rep.item) == "critical"]
        return Domain(-2, tuple(worst), "critical")
    return Domain(-1, tuple(s for s in deciding if effective_risk(s.rep.item) != "low"), "low")


def heterogeneity(item: ItemFacts) -> int:
    """kw of one synthesis with a known I²."""
    i2 = item.i_squared
    if i2 >= 75:
        return 2 if item.same_direction == "no" else 1
    if i2 >= 40 and item.same_direction != "yes":
        return 1
    return 0


def inconsistency(deciding: list) -> Domain:
    supports = [s for s in deciding if s.stance == "supports"]
    against = [s for s in deciding if s.stance in AGAINST_STANCES]
    kc = 1 if supports and against else 0
    pooled = [s for s in deciding if s.rep.synthesis and s.rep.item.i_squared is not None]
    kw = max((heterogeneity(s.rep.item) for s in pooled), default=0)
    change = min(2, kc + kw)
    if not change:
        return Domain(0)
    behind = (supports + against if kc else []) + [s for s in pooled if heterogeneity(s.rep.item)]
    return Domain(-change, tuple(dict.fromkeys(behind)), "disagree" if kc else "heterogeneous")


def precise_estimate(deciding: list) -> Study | None:
    """P: the representative with both CI ends, syntheses first, then the largest sample."""
    with_ci = [s for s in deciding if s.rep.item.has_ci]
    if not with_ci:
        return None
    return min(
        with_ci,
        key=lambda s: (not s.rep.synthesis, -(s.rep.item.sample_size or 0), s.rep.item.label),
    )


def thresholds(claim: ClaimFacts, item: ItemFacts) -> tuple[float, float] | None:
    if item.effect_measure == "ratio":
        return RATIO_THRESHOLDS
    if claim.mid is not None:
        return (-claim.mid, claim.mid)
    return None


def imprecision(claim: ClaimFacts, deciding: list) -> Domain:
    best = precise_estimate(deciding)
    if best is not None:
        item = best.rep.item
        null = 1.0 if item.effect_measure == "ratio" else 0.0
        if item.ci_low <= null <= item.ci_high:
            bounds = thresholds(claim, item)
            if bounds and bounds[0] < item.ci_low and item.ci_high < bounds[1]:
                pass  # a precise null: the interval rules out any important effect
            elif bounds and item.ci_low <= bounds[0] and item.ci_high >= bounds[1]:
                return Domain(-2, (best,), "both_ways")
            else:
                return Domain(-1, (best,), "includes_null")
    reps = [study.rep for study in deciding]
    if all(rep.item.population == "cells" for rep in reps):
        return Domain(-1, tuple(deciding), "cells_no_ci") if best is None else Domain(0)
    sizes = [rep.item.sample_size for rep in reps]
    if all(size is not None for size in sizes):
        ois = OIS_HUMANS if any(rep.item.population == "humans" for rep in reps) else OIS_OTHER
        return Domain(-1, tuple(deciding), "small") if sum(sizes) < ois else Domain(0)
    return Domain(-1, tuple(deciding), "unknown_size") if best is None else Domain(0)


def publication_bias(deciding: list) -> Domain:
    reps = [study.rep for study in deciding]
    detected = [
        s for s in deciding if s.rep.synthesis and s.rep.item.small_study_effects == "detected"
    ]
    if detected:
        return Domain(-1, tuple(detected), "small_study_effects")
    if all(rep.item.via == "narrative_review" for rep in reps):
        return Domain(-1, tuple(deciding), "narrative_only")
    sizes = [rep.item.sample_size for rep in reps]
    industry = sum(1 for rep in reps if rep.item.funding == "industry")
    if (
        len(deciding) >= 2
        and all(study.stance == "supports" for study in deciding)
        and all(size is not None and size < 100 for size in sizes)
        and industry * 2 > len(deciding)
    ):
        return Domain(-1, tuple(deciding), "small_industry")
    return Domain(0)


def large_effect(item: ItemFacts, imprecision_change: int) -> int:
    if item.effect_measure != "ratio" or item.effect_value is None or not item.has_ci:
        return 0
    if item.ci_low <= 1 <= item.ci_high:
        return 0
    value = item.effect_value
    if (value >= 5 or value <= 0.2) and imprecision_change == 0:
        return 2
    return 1 if value >= 2 or value <= 0.5 else 0


def rating_up(deciding: list, domains: dict) -> Domain:
    reps = [study.rep for study in deciding]
    if (
        any(rep.start != LOW for rep in reps)
        or domains["risk_of_bias"].change
        or domains["inconsistency"].change
        or any(rep.indirect for rep in reps)
    ):
        return Domain(0)
    steps = {s: large_effect(s.rep.item, domains["imprecision"].change) for s in deciding}
    large = max(steps.values())
    dose = [s for s in deciding if s.rep.item.dose_response == "shown"]
    confounding = [s for s in deciding if s.rep.item.confounding_reduces]
    change = min(2, large + (1 if dose else 0) + (1 if confounding else 0))
    if not change:
        return Domain(0)
    behind = [s for s, step in steps.items() if large and step == large] + dose + confounding
    factors = [("very_large" if large == 2 else "large")] if large else []
    factors += ["dose_response"] * bool(dose) + ["confounding"] * bool(confounding)
    return Domain(change, tuple(dict.fromkeys(behind)), ",".join(factors))


def indirectness_domain(deciding: list, top: int) -> Domain:
    first = max(study.rep.start for study in deciding)
    indirect = tuple(study for study in deciding if study.rep.indirect)
    return Domain(top - first, indirect if top < first else ())


def direction_of(deciding: list, weights: list) -> tuple[str, float, float]:
    support = against = 0.0
    for study, weight in zip(deciding, weights, strict=True):
        if study.stance == "supports":
            support += weight
        elif study.stance in AGAINST_STANCES:
            against += weight
        else:
            support += weight / 2
            against += weight / 2
    if support >= 2 * against:
        return SUPPORTED, support, against
    if against >= 2 * support:
        return CONTRADICTED, support, against
    return CONTESTED, support, against


def points_other_way(studies: list, deciding: list, direction: str) -> list:
    opposed = {SUPPORTED: AGAINST_STANCES, CONTRADICTED: ("supports",)}.get(direction, ())
    inside = {id(study) for study in deciding}
    return [s for s in studies if id(s) not in inside and s.stance in opposed]


def judge(claim: ClaimFacts, items: Sequence[ItemFacts]) -> Judgement | None:
    """Steps 1 to 6 on counted items; None when nothing counts (or a background claim)."""
    items = tuple(items)
    counted = [item for item in items if not why_not_counted(item)]
    if claim.question == "background" or not counted:
        return None
    scored = [Scored(claim, item, index) for index, item in enumerate(counted)]
    studies = studies_of(scored)
    top, deciding = deciding_set(studies)
    weights = weights_of(deciding)
    domains = {
        "indirectness": indirectness_domain(deciding, top),
        "risk_of_bias": risk_of_bias(deciding, weights),
        "inconsistency": inconsistency(deciding),
        "imprecision": imprecision(claim, deciding),
        "publication_bias": publication_bias(deciding),
    }
    domains["rating_up"] = rating_up(deciding, domains)
    moves = sum(domains[name].change for name in DOWN_AND_UP)
    unclamped = top + moves
    level = min(HIGH, max(VERY_LOW, unclamped))
    unverified = tuple(s for s in deciding if s.rep.item.record == "unverified")
    capped_by = unverified if unverified and level > LOW else ()
    if unverified:
        level = min(level, LOW)
    direction, support, against = direction_of(deciding, weights)
    return Judgement(
        claim=claim,
        items=items,
        counted=counted,
        studies=studies,
        deciding=deciding,
        weights=weights,
        top=top,
        domains=domains,
        level=level,
        unclamped=unclamped,
        capped_by=capped_by,
        direction=direction,
        support=support,
        against=against,
        other_way=points_other_way(studies, deciding, direction),
    )


DOWN_AND_UP = ("risk_of_bias", "inconsistency", "imprecision", "publication_bias", "rating_up")


def grade(claim: ClaimFacts, items: Sequence[ItemFacts]) -> Grade:
    """The grade-2 grade of `claim` from its evidence `items`, with reasons and profile."""
    items = tuple(items)
    judgement = judge(claim, items)
    if judgement is None:
        level, direction = (NOT_GRADED if claim.question == "background" else INSUFFICIENT), NONE
        reasons, profile = explain2.ungraded(claim, items)
        return Grade(level, direction, reasons, RUBRIC, profile)
    reasons, profile = explain2.explain(judgement)
    return Grade(LEVEL_NAMES[judgement.level], judgement.direction, reasons, RUBRIC, profile)
