"""grade-3, steps 5 to 7: the deciding set, each GRADE domain, the caps and the direction.

Each domain is judged once, on the representatives of the deciding set D, and returns a
`Domain`: the levels it moves, the studies behind it, and a short code of why (the wording
lives in `evidence.rubrics.grade3.explain`).
"""

from __future__ import annotations

from evidence.rubrics.grade3.inputs import (
    AGAINST,
    CONTESTED,
    CONTRADICTED,
    FOR,
    LOW,
    MIXED,
    NO_DIFFERENCE,
    NULL,
    OBSERVATIONAL_UP,
    OIS,
    SUPPORTED,
    ClaimFacts,
    ItemFacts,
)
from evidence.rubrics.grade3.studies import ci_finding, thresholds


class Domain:
    """One domain's judgement: levels moved, the studies behind it, why (a short code), and
    for imprecision the estimate judged (`detail`). A plain class: made six times per grade."""

    __slots__ = ("change", "studies", "why", "detail")

    def __init__(self, change: int, studies: tuple = (), why: str = "", detail=None):
        self.change = change
        self.studies = studies
        self.why = why
        self.detail = {} if detail is None else detail

    def __repr__(self) -> str:
        return f"Domain({self.change}, {self.why!r})"


STEADY = Domain(0)  # shared: a domain that took nothing (never mutated)


# --- Step 5: the deciding set --------------------------------------------------------------


def deciding_set(studies: list) -> tuple[int, list]:
    if len(studies) == 1:
        return studies[0].level, studies
    top = max([study.level for study in studies])
    at_top = [study for study in studies if study.level == top]
    fewest = min([study.rep.species for study in at_top])
    return top, [study for study in at_top if study.rep.species == fewest]


def known_sizes(deciding: list) -> list | None:
    """The representatives' sample sizes, or None when any is unknown."""
    sizes = [study.rep.item.sample_size for study in deciding]
    return None if None in sizes else sizes


def weights_of(deciding: list) -> list:
    return known_sizes(deciding) or [1] * len(deciding)


# --- Step 6: the domains -------------------------------------------------------------------


def effective_risk(item: ItemFacts) -> str:
    if item.record == "expression_of_concern" and item.risk_of_bias != "critical":
        return "high"
    return item.risk_of_bias


def risk_of_bias(deciding: list, weights: list) -> Domain:
    """Down 2 when critical weighs at least half, down 1 when high and critical weigh at least
    a third; some concerns and not assessed never rate down."""
    total = sum(weights)
    critical = high = unassessed = 0
    for study, weight in zip(deciding, weights, strict=True):
        risk = study.rep.risk
        if risk == "critical":
            critical += weight
        elif risk == "high":
            high += weight
        elif risk == "not_assessed":
            unassessed += 1
    if critical and 2 * critical >= total:
        worst = [s for s in deciding if s.rep.risk == "critical"]
        return Domain(-2, tuple(worst), "critical")
    if 3 * (high + critical) >= total and high + critical:
        bad = [s for s in deciding if s.rep.risk in ("high", "critical")]
        return Domain(-1, tuple(bad), "high")
    if unassessed == len(deciding):
        return Domain(0, tuple(deciding), "not_assessed")
    return STEADY


def is_provisional(deciding: list) -> bool:
    """A deciding study's risk of bias (after the expression-of-concern rule) is not assessed."""
    return any([study.rep.risk == "not_assessed" for study in deciding])


def heterogeneity(item: ItemFacts) -> int:
    """What one synthesis's I² and direction of its pooled studies take (0..2)."""
    wide = item.i_squared is not None and item.i_squared >= 75
    if item.same_direction == "no":
        return 2 if wide else 1
    if item.same_direction == "yes":
        return 0
    return 1 if wide else 0


def compatible(deciding: list) -> bool:
    """Every representative has a CI on one measure and all the CIs overlap."""
    items = [study.rep.item for study in deciding]
    if not all([item.has_ci for item in items]) or len({i.effect_measure for i in items}) > 1:
        return False
    return max([item.ci_low for item in items]) <= min([item.ci_high for item in items])


def inconsistency(deciding: list) -> Domain:
    if len(deciding) == 1 and not deciding[0].rep.synthesis:
        return Domain(0, tuple(deciding), "one_study")
    pooled = [s for s in deciding if s.rep.synthesis]
    within = {s: heterogeneity(s.rep.item) for s in pooled}
    across, disagree = 0, []
    if len(deciding) >= 2:
        findings = {study.finding for study in deciding}
        if FOR in findings and AGAINST in findings:
            across = 1
        elif NULL in findings and (FOR in findings or AGAINST in findings):
            across = 0 if compatible(deciding) else 1
        if across:
            disagree = [s for s in deciding if s.finding in (FOR, AGAINST, NULL)]
    change = min(2, max([across, *within.values()]))
    if not change:
        if len(deciding) == 1:
            item = deciding[0].rep.item
            if item.i_squared is None and item.same_direction == "unknown":
                return Domain(0, tuple(deciding), "not_assessed")
        return Domain(0)
    behind = disagree + [s for s, k in within.items() if k]
    why = "disagree" if across >= max(within.values(), default=0) else "heterogeneous"
    return Domain(-change, tuple(dict.fromkeys(behind)), why)


def estimate_of(claim: ClaimFacts, deciding: list):
    """E: ("pooled", None) for the claim's pooled estimate with a CI, else ("study", the study
    whose representative has a CI: syntheses first, then the largest, label, input order), or
    None."""
    if claim.has_pooled_ci:
        return "pooled", None
    with_ci = [s for s in deciding if s.rep.item.has_ci]
    if not with_ci:
        return None
    if len(with_ci) == 1:
        return "study", with_ci[0]
    best = min(
        with_ci,
        key=lambda s: (
            not s.rep.synthesis,
            -(s.rep.item.sample_size or 0),
            s.rep.item.label,
            s.rep.index,
        ),
    )
    return "study", best


def regions_of(bounds: tuple[float, float], low: float, high: float) -> tuple[str, ...]:
    lower, upper = bounds
    regions = []
    if low <= lower:
        regions.append("important_low")
    if low < upper and high > lower:
        regions.append("trivial")
    if high >= upper:
        regions.append("important_high")
    return tuple(regions)


def reaches_twice(measure: str, bounds: tuple[float, float], low: float, high: float) -> bool:
    lower, upper = bounds
    if measure == "ratio":
        return low <= lower * lower and high >= upper * upper
    return low <= 2 * lower and high >= 2 * upper


def imprecision(claim: ClaimFacts, deciding: list, direction: str) -> Domain:
    reps = [study.rep.item for study in deciding]
    sizes = known_sizes(deciding)
    total = sum(sizes) if sizes is not None else None
    humans = any([item.population == "humans" for item in reps])
    found = estimate_of(claim, deciding)
    if found is None:
        detail = {"total": total}
        if direction == NO_DIFFERENCE:
            if humans and total is not None and total >= OIS:
                return Domain(-1, tuple(deciding), "null_no_ci", detail)
            return Domain(-2, tuple(deciding), "null_no_ci", detail)
        if all([item.population in ("animals", "cells") for item in reps]):
            return Domain(0, tuple(deciding), "laboratory_no_ci", detail)
        if total is not None and total >= OIS:
            return Domain(0, (), "no_ci_large", detail)
        return Domain(-1, tuple(deciding), "no_ci", detail)
    source, study = found
    if source == "pooled":
        measure, value = claim.pooled_measure, claim.pooled_value
        low, high, ci_source = claim.pooled_ci_low, claim.pooled_ci_high, claim.pooled_ci_source
    else:
        item = study.rep.item
        measure, value, ci_source = item.effect_measure, item.effect_value, item.ci_source
        low, high = item.ci_low, item.ci_high
    bounds = thresholds(claim, measure)
    detail = {
        "source": source,
        "study": study,
        "measure": measure,
        "value": value,
        "low": low,
        "high": high,
        "ci_source": ci_source,
        "mid": claim.mid if claim.mid is not None and claim.mid_scale == measure else None,
        "bounds": bounds,
        "regions": (),
        "twice": False,
        "ois": None,
        "total": total,
    }
    behind = (study,) if study is not None else ()
    if bounds is not None:
        regions = regions_of(bounds, low, high)
        detail["regions"] = regions
        change = 1 - len(regions)
        if len(regions) == 3 and reaches_twice(measure, bounds, low, high):
            detail["twice"] = True
            change = -3
        why = "regions"
    else:
        no_effect = 1.0 if measure == "ratio" else 0.0
        change = -1 if low <= no_effect <= high else 0
        why = "includes_null"
    if change == 0 and humans and total is not None:
        detail["ois"] = OIS
        if total < OIS:
            return Domain(-1, tuple(deciding), "small", detail)
    return Domain(change, behind if change else (), why, detail)


def publication_bias(deciding: list) -> Domain:
    detected = [
        s for s in deciding if s.rep.synthesis and s.rep.item.small_study_effects == "detected"
    ]
    if detected:
        return Domain(-1, tuple(detected), "small_study_effects")
    if len(deciding) >= 2 and all([study.finding == FOR for study in deciding]):
        sizes = known_sizes(deciding)
        industry = sum([1 for study in deciding if study.rep.item.funding == "industry"])
        if (
            sizes is not None
            and all([size < 100 for size in sizes])
            and industry * 2 > len(deciding)
        ):
            return Domain(-1, tuple(deciding), "small_industry")
    checked = [
        s for s in deciding if s.rep.synthesis and s.rep.item.small_study_effects == "not_detected"
    ]
    if checked:
        return Domain(0, tuple(checked), "not_detected")
    return Domain(0, (), "not_assessed")


def large_step(measure: str, value: float | None, low, high) -> int:
    if measure != "ratio" or value is None or low is None or low <= 1 <= high:
        return 0
    if value >= 5 or value <= 0.2:
        return 2
    return 1 if value >= 2 or value <= 0.5 else 0


def may_rate_up(deciding: list, domains: dict, provisional: bool) -> bool:
    if provisional or any([domains[name].change for name in DOWN_DOMAINS]):
        return False
    return all(
        rep.item.population == "humans"
        and rep.item.design in OBSERVATIONAL_UP
        and rep.start == LOW
        and rep.level == LOW
        and not rep.indirect
        and rep.item.via != "narrative_review"
        and rep.item.source_access != "secondary"
        for rep in (study.rep for study in deciding)
    )


DOWN_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")


def rating_up(claim: ClaimFacts, deciding: list, domains: dict, provisional: bool) -> Domain:
    if not may_rate_up(deciding, domains, provisional):
        return STEADY
    if claim.has_pooled_ci:
        large = large_step(
            claim.pooled_measure, claim.pooled_value, claim.pooled_ci_low, claim.pooled_ci_high
        )
        large_from = ()
    elif len(deciding) == 1:
        item = deciding[0].rep.item
        large = large_step(item.effect_measure, item.effect_value, item.ci_low, item.ci_high)
        large_from = tuple(deciding)
    else:
        large, large_from = 0, ()
    dose = [s for s in deciding if s.rep.item.dose_response == "shown"]
    confounding = [s for s in deciding if s.rep.item.confounding_reduces]
    change = min(2, large + (1 if dose else 0) + (1 if confounding else 0))
    if not change:
        return STEADY
    behind = (list(large_from) if large else []) + dose + confounding
    factors = [("very_large" if large == 2 else "large")] if large else []
    factors += ["dose_response"] * bool(dose) + ["confounding"] * bool(confounding)
    return Domain(change, tuple(dict.fromkeys(behind)), ",".join(factors))


def indirectness_domain(deciding: list) -> Domain:
    """The deciding studies' indirectness (applied per item in step 2): the least indirect
    of those with the highest start, which is what took the grade from its start."""
    if not any([study.rep.indirect for study in deciding]):
        return STEADY
    first = max([study.rep.start for study in deciding])
    leaders = [study for study in deciding if study.rep.start == first]
    least = min([study.rep.indirect for study in leaders])
    if not least:
        return STEADY
    change = max(1, first - least) - first
    indirect = tuple([study for study in deciding if study.rep.indirect])
    return Domain(change, indirect, "indirect")


# --- Step 7: the direction -----------------------------------------------------------------

FINDING_DIRECTIONS = {FOR: SUPPORTED, AGAINST: CONTRADICTED, NULL: NO_DIFFERENCE}


def direction_of(claim: ClaimFacts, deciding: list, weights: list) -> tuple[str, dict]:
    """The direction, and the tally behind it ({} when the pooled estimate decided)."""
    if claim.has_pooled_ci and claim.claimed_direction != "unspecified":
        finding = ci_finding(claim, claim.pooled_measure, claim.pooled_ci_low, claim.pooled_ci_high)
        return FINDING_DIRECTIONS[finding], {}
    if len(deciding) == 1:  # one study: its finding decides (mixed is half each way)
        finding, weight = deciding[0].finding, weights[0]
        tally = {"for": 0, "against": 0, "null": 0}
        if finding == MIXED:
            tally["for"] = tally["against"] = weight / 2
            return CONTESTED, tally
        tally[finding] = weight
        return FINDING_DIRECTIONS[finding], tally
    doubled = {FOR: 0, AGAINST: 0, NULL: 0, MIXED: 0}
    for study, weight in zip(deciding, weights, strict=True):
        doubled[study.finding] += 2 * weight
    support = doubled[FOR] + doubled[MIXED] // 2
    against = doubled[AGAINST] + doubled[MIXED] // 2
    null = doubled[NULL]
    total = support + against + null
    tally = {"for": support / 2, "against": against / 2, "null": null / 2}
    if 3 * support >= 2 * total:
        return SUPPORTED, tally
    if 3 * against >= 2 * total:
        return CONTRADICTED, tally
    if 3 * null >= 2 * total:
        return NO_DIFFERENCE, tally
    return CONTESTED, tally


OTHER_WAY = {
    SUPPORTED: (AGAINST, NULL),
    CONTRADICTED: (FOR, NULL),
    NO_DIFFERENCE: (FOR, AGAINST),
}


def points_other_way(studies: list, deciding: list, direction: str) -> list:
    if len(studies) == len(deciding):
        return []
    opposed = OTHER_WAY.get(direction, ())
    inside = {id(study) for study in deciding}
    return [s for s in studies if id(s) not in inside and s.finding in opposed]
