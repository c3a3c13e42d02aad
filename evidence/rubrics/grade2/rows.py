"""grade-2's evidence profile: the row of each GRADE domain (rating down, publication bias,
rating up) and the reason it gives when it moved the grade, worded once for both.

Pure. Reads the `Judgement` of `evidence.rubrics.grade2` (duck-typed)."""

from __future__ import annotations

from evidence.rubrics.grade2.words import (
    DOMAIN_WORDS,
    POPULATION_WORDS,
    RISK_WORDS,
    SEVERITY,
    UP_WORDS,
    labels,
    names,
    number,
    sentence,
)
from evidence.rubrics.profile import DomainRow


def down_row(j, domain: str) -> tuple[DomainRow, str]:
    """The profile row of a rating-down domain, and its reason ('' when it took nothing)."""
    result = j.domains[domain]
    if not result.change:
        return STEADY_ROWS[domain], ""
    why = SHORT_WHY[domain](j, result)
    footnote = sentence(FOOTNOTE_LEADS[domain] + why)
    severity = SEVERITY[result.change]
    row = DomainRow(domain, result.change, severity, labels(result.studies), footnote)
    return row, f"Down {-result.change}: {DOMAIN_WORDS[domain]}, {why}"


def _risk_detail(studies) -> str:
    parts = []
    for study in studies:
        item = study.rep.item
        if item.record == "expression_of_concern" and item.risk_of_bias != "critical":
            parts.append(f"{study.label}: the journal published an expression of concern")
        else:
            parts.append(f"{study.label}: {RISK_WORDS[item.risk_of_bias]}")
    return "; ".join(parts)


def _risk_why(j, result) -> str:
    if result.why == "critical":
        return f"critical in most of the deciding evidence ({names(result.studies)})"
    return f"not shown to be low ({_risk_detail(result.studies)})"


def _heterogeneity_words(studies) -> str:
    parts = []
    for study in studies:
        item = study.rep.item
        if not study.rep.synthesis or item.i_squared is None or item.i_squared < 40:
            continue
        apart = ", pointing different ways" if item.same_direction == "no" else ""
        parts.append(
            f"the studies pooled in {study.label} vary (I² {number(item.i_squared)}%{apart})"
        )
    return "; ".join(parts)


def _inconsistency_why(j, result) -> str:
    parts = []
    supports = [s for s in result.studies if s.stance == "supports"]
    against = [s for s in result.studies if s.stance in ("contradicts", "no_effect")]
    if supports and against:
        parts.append(f"deciding studies disagree ({names(supports)} for; {names(against)} against)")
    heterogeneity = _heterogeneity_words(result.studies)
    if heterogeneity:
        parts.append(heterogeneity)
    return "; ".join(parts)


def _indirect_detail(j, study) -> str:
    """What about `study` answers a different question: 'studied animals, not people'."""
    item, claim = study.rep.item, j.claim
    parts = []
    if study.rep.species:
        if item.population == claim.population == "cells":
            parts.append("cells of another species")
        else:
            studied = POPULATION_WORDS[item.population]
            parts.append(f"studied {studied}, not {POPULATION_WORDS[claim.population]}")
    elif item.population_match != "direct":
        parts.append(f"a {item.population_match} population")
    for field, noun in (("intervention_match", "intervention"), ("outcome_match", "outcome")):
        match = getattr(item, field)
        if match != "direct":
            surrogate = " such as a surrogate measure" if noun == "outcome" else ""
            parts.append(f"a {match} {noun}{surrogate}")
    if item.comparator_match == "indirect":
        parts.append("an indirect comparison")
    return ", ".join(parts)


def _indirectness_why(j, result) -> str:
    groups: dict[str, list] = {}
    for study in result.studies:
        groups.setdefault(_indirect_detail(j, study), []).append(study)
    return "; ".join(f"{detail} ({names(studies)})" for detail, studies in groups.items())


def _ci(item) -> str:
    return f"{number(item.ci_low)} to {number(item.ci_high)}"


def _imprecision_why(j, result) -> str:
    reps = [s.rep.item for s in j.deciding]
    if result.why in ("includes_null", "both_ways"):
        item = result.studies[0].rep.item
        text = f"the confidence interval of {item.name} ({_ci(item)}) includes no effect"
        if result.why == "both_ways":
            text += " and both an important benefit and an important harm"
        return text
    if result.why == "small":
        total = sum(item.sample_size for item in reps)
        humans = any(item.population == "humans" for item in reps)
        noun, needed = ("participants", 400) if humans else ("animals", 40)
        return f"only {number(total)} {noun} in total ({names(j.deciding)}), fewer than {needed}"
    if result.why == "cells_no_ci":
        return f"a laboratory result without a confidence interval ({names(j.deciding)})"
    return f"no confidence interval and no known number of participants ({names(j.deciding)})"


STEADY_FOOTNOTES = {
    "risk_of_bias": "Most of the deciding evidence comes from studies at low risk of bias.",
    "inconsistency": "The deciding results agree with one another.",
    "indirectness": "The deciding studies looked at what the claim is about.",
    "imprecision": "The results are precise enough to rely on.",
}
# The rows of domains that took nothing: the same for every claim (DomainRow is immutable).
STEADY_ROWS = {
    **{
        domain: DomainRow(domain, 0, SEVERITY[0], (), footnote)
        for domain, footnote in STEADY_FOOTNOTES.items()
    },
    "publication_bias": DomainRow(
        "publication_bias",
        0,
        "Not suspected",
        (),
        "Nothing suggests that studies with other results went unpublished.",
    ),
    "rating_up": DomainRow(
        "rating_up",
        0,
        "None",
        (),
        "Only observational evidence with no serious problem can be rated up; nothing here was.",
    ),
}
FOOTNOTE_LEADS = {
    "risk_of_bias": "risk of bias is ",
    "inconsistency": "",
    "indirectness": "the deciding evidence answers a different question from the claim: ",
    "imprecision": "",
}
SHORT_WHY = {
    "risk_of_bias": _risk_why,
    "inconsistency": _inconsistency_why,
    "indirectness": _indirectness_why,
    "imprecision": _imprecision_why,
}
PUBLICATION_WHY = {
    "small_study_effects": "small-study effects were detected in {names}",
    "narrative_only": "the deciding results are known only through narrative reviews ({names}),"
    " which may pick the studies they report",
    "small_industry": "only a few small studies, mostly paid for by industry, all finding"
    " for it ({names})",
}


def publication_row(j) -> tuple[DomainRow, str]:
    result = j.domains["publication_bias"]
    if not result.change:
        return STEADY_ROWS["publication_bias"], ""
    why = PUBLICATION_WHY[result.why].format(names=names(result.studies))
    footnote = why[0].upper() + why[1:] + "; studies with other results may be missing."
    row = DomainRow("publication_bias", -1, "Suspected", labels(result.studies), footnote)
    return row, f"Down 1: publication bias, {why}"


def _up_words(j, result) -> str:
    factors = []
    for factor in result.why.split(","):
        if factor in ("very_large", "large"):
            effects = ", ".join(
                f"ratio {number(s.rep.item.effect_value)} in {s.label}"
                for s in result.studies
                if s.rep.item.effect_measure == "ratio" and s.rep.item.effect_value is not None
            )
            factors.append(f"{UP_WORDS[factor]} ({effects})" if effects else UP_WORDS[factor])
        else:
            factors.append(UP_WORDS[factor])
    return " and ".join(factors)


def up_row(j) -> tuple[DomainRow, str]:
    result = j.domains["rating_up"]
    if not result.change:
        return STEADY_ROWS["rating_up"], ""
    words = _up_words(j, result)
    footnote = f"Rated up: {words}; an effect this clear is hard to explain by bias alone."
    judgement = f"Up {result.change}: {words.split(' (')[0]}"
    row = DomainRow("rating_up", result.change, judgement, labels(result.studies), footnote)
    return row, f"Up {result.change}: {words}"
