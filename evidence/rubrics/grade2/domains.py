"""grade-2, steps 4 to 6: the deciding set, each GRADE domain, and the direction.

Each domain is judged once, on the representatives of the deciding set D, and returns a
`Domain`: the levels it moves, the studies behind it, and a short code of why (the wording
lives in `evidence.rubrics.grade2.rows`, put together by `.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.rubrics.grade2.inputs import (
    AGAINST_STANCES,
    CONTESTED,
    CONTRADICTED,
    LOW,
    OIS_HUMANS,
    OIS_OTHER,
    RATIO_THRESHOLDS,
    SUPPORTED,
    ClaimFacts,
    ItemFacts,
)
from evidence.rubrics.grade2.studies import Study


@dataclass(frozen=True)
class Domain:
    """One domain's judgement: levels moved, the studies behind it, and why (plain words)."""

    change: int
    studies: tuple = ()
    why: str = ""


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
