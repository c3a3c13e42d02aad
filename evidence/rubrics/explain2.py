"""Plain words for a grade-2 judgement: its reasons and its GRADE evidence profile.

Pure. Reads the `Judgement` of `evidence.rubrics.grade2` (duck-typed, so this module imports
no engine code) and writes for a lay reader: designs are spelled out ("randomised controlled
trial", never `rct`), each domain says what moved the grade and which studies are behind it.
"""

from __future__ import annotations

from evidence.rubrics.profile import DomainRow, Profile

LEVEL_WORDS = {1: "very low", 2: "low", 3: "moderate", 4: "high"}
DESIGN_WORDS = {
    "meta_analysis_rct": (
        "meta-analysis of randomised trials",
        "meta-analyses of randomised trials",
    ),
    "rct": ("randomised controlled trial", "randomised controlled trials"),
    "meta_analysis_obs": (
        "meta-analysis of observational studies",
        "meta-analyses of observational studies",
    ),
    "cohort": ("cohort study", "cohort studies"),
    "case_control": ("case-control study", "case-control studies"),
    "cross_sectional": ("cross-sectional study", "cross-sectional studies"),
    "case_series": ("case series", "case series"),
    "animal": ("controlled animal experiment", "controlled animal experiments"),
    "in_vitro": ("laboratory study on cells", "laboratory studies on cells"),
    "narrative_review": ("narrative review", "narrative reviews"),
    "textbook": ("textbook", "textbooks"),
    "expert_opinion": ("expert opinion", "expert opinions"),
    "popular": ("popular article", "popular articles"),
}
VIA_WORDS = {
    "direct": "",
    "systematic_review": " reported by a systematic review",
    "narrative_review": " reported by a narrative review",
}
FAMILY_WORDS = {
    "randomised": "randomised trials",
    "observational": "observational studies",
    "animal": "animal experiments",
    "cells": "laboratory studies on cells",
}
POPULATION_WORDS = {"humans": "people", "animals": "animals", "cells": "cells", "any": "anyone"}
STANCE_WORDS = {
    "supports": "supports it",
    "contradicts": "contradicts it",
    "no_effect": "found no effect",
    "mixed": "found mixed results",
    "asserts": "only asserts it",
    "mentions": "only mentions it",
}
RISK_WORDS = {
    "not_assessed": "not assessed",
    "some_concerns": "some concerns",
    "high": "high",
    "critical": "critical",
}
NOT_COUNTED_WORDS = {
    "retracted": "the paper was retracted",
    "not_found": "no such publication could be found",
    "asserts": "it states the claim without testing it",
    "mentions": "it only mentions the claim",
    "secondary": "it is not a study of its own; the studies it reports count when entered"
    " with their own design",
    "citation_only": "only its citation was seen, not the paper",
}
SEVERITY = {0: "Not serious", -1: "Serious", -2: "Very serious", -3: "Extremely serious"}
DOMAIN_WORDS = {
    "indirectness": "indirectness",
    "risk_of_bias": "risk of bias",
    "inconsistency": "inconsistency",
    "imprecision": "imprecision",
    "publication_bias": "publication bias",
}
START_FOOTNOTES = {
    4: "Randomised trials and controlled experiments start high: chance, not choice, decides"
    " who is treated.",
    2: "Observational studies start low: people who chose an exposure may differ in other ways.",
    1: "Case series start very low: they have no comparison group.",
}
ASSOCIATION_FOOTNOTE = "For a claim of association, cohort studies start high."
UP_WORDS = {
    "very_large": "very large effect",
    "large": "large effect",
    "dose_response": "dose-response",
    "confounding": "confounding would hide the effect",
}


def design_words(item, plural: bool = False) -> str:
    return DESIGN_WORDS[item.design][1 if plural else 0] + VIA_WORDS[item.via]


def names(studies) -> str:
    return "; ".join(dict.fromkeys(study.label for study in studies))


def labels(studies) -> tuple[str, ...]:
    return tuple(dict.fromkeys(study.label for study in studies))


def number(value: float) -> str:
    return format(value, ",g")


def sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def described(item) -> str:
    return f"{item.name} ({_article(design_words(item))})"


def _article(words: str) -> str:
    return ("an " if words[0] in "aeiou" else "a ") + words


# --- Nothing to grade ------------------------------------------------------------------------


def ungraded(claim, items) -> tuple[tuple[str, ...], Profile]:
    """Reasons and profile of a claim that is not graded or has nothing counted."""
    not_counted = tuple(_not_counted_sentence(item) for item in items)
    if claim.question == "background":
        reason = "Not graded: a background fact, which the grade does not rate"
        return (reason,), Profile(rows=(), not_counted=not_counted)
    if not items:
        return ("Insufficient: no evidence recorded",), Profile(rows=())
    parts = ["Insufficient: no study that counts tests it"]
    asserting = [item.name for item in items if item.stance == "asserts"]
    mentioning = [item.name for item in items if item.stance == "mentions"]
    if asserting:
        parts.append(f"only asserted by {', '.join(dict.fromkeys(asserting))}")
    if mentioning:
        parts.append(f"only mentioned by {', '.join(dict.fromkeys(mentioning))}")
    others = [item for item in items if item.stance not in ("asserts", "mentions")]
    parts.extend(f"{described(item)} not counted, as {_why_not(item)}" for item in others)
    return ("; ".join(parts),), Profile(rows=(), not_counted=not_counted)


def _why_not(item) -> str:
    from_record = item.record in NOT_COUNTED_WORDS
    if from_record:
        return NOT_COUNTED_WORDS[item.record]
    if item.stance in NOT_COUNTED_WORDS:
        return NOT_COUNTED_WORDS[item.stance]
    if item.design in ("narrative_review", "textbook", "expert_opinion", "popular"):
        return NOT_COUNTED_WORDS["secondary"]
    return NOT_COUNTED_WORDS["citation_only"]


def _not_counted_sentence(item) -> str:
    return f"{described(item)} is not counted: {_why_not(item)}."


# --- A graded claim ----------------------------------------------------------------------


def explain(j) -> tuple[tuple[str, ...], Profile]:
    """Reasons (one per step that acted) and the evidence profile of judgement `j`."""
    rows = [_start_row(j)]
    reasons = list(_start_reasons(j))
    for domain in ("risk_of_bias", "inconsistency", "indirectness", "imprecision"):
        rows.append(_down_row(j, domain))
    rows.append(_publication_row(j))
    rows.append(_up_row(j))
    for domain in ("indirectness", "risk_of_bias", "inconsistency", "imprecision"):
        reasons.extend(_down_reason(j, domain))
    reasons.extend(_publication_reasons(j))
    reasons.extend(_up_reasons(j))
    reasons.extend(_limit_reasons(j))
    counted_once = tuple(_counted_once(study) for study in j.studies if len(study.members) > 1)
    counted = {id(item) for item in j.counted}
    uncounted = [item for item in j.items if id(item) not in counted]
    not_counted = tuple(_not_counted_sentence(item) for item in uncounted)
    reasons.extend(
        f"Counted once: {sentence[len('Counted once: ') :]}" for sentence in counted_once
    )
    reasons.extend(f"Not counted: {described(item)}, as {_why_not(item)}" for item in uncounted)
    reasons.append(_direction_reason(j))
    other_way = tuple(_other_way_sentence(study) for study in j.other_way)
    if j.other_way:
        reasons.append(
            "Points the other way, at lower certainty: "
            + "; ".join(f"{s.label} ({STANCE_WORDS[s.stance]})" for s in j.other_way)
        )
    profile = Profile(
        rows=tuple(rows), counted_once=counted_once, not_counted=not_counted, other_way=other_way
    )
    return tuple(reasons), profile


def _first_start(j) -> int:
    return max(study.rep.start for study in j.deciding)


def _start_reasons(j) -> list[str]:
    first = _first_start(j)
    leaders = [s for s in j.deciding if s.rep.start == first]
    reasons = [f"Starts {LEVEL_WORDS[first]}: {_designs(leaders)}"]
    others = [s for s in j.deciding if s.rep.start != first]
    if others:
        reasons.append(f"Also {LEVEL_WORDS[j.top]}: {_designs(others)}")
    return reasons


def _designs(studies) -> str:
    groups: dict[str, list] = {}
    for study in studies:
        groups.setdefault((study.rep.item.design, study.rep.item.via), []).append(study)
    parts = []
    for group in groups.values():
        words = design_words(group[0].rep.item, plural=_count_alike(group) > 1)
        parts.append(f"{words} ({names(group)})")
    return "; ".join(parts)


def _count_alike(studies) -> int:
    """How many items of `studies` share their representative's design and route."""
    return sum(
        1
        for study in studies
        for member in study.members
        if (member.item.design, member.item.via) == (study.rep.item.design, study.rep.item.via)
    )


def _start_row(j) -> DomainRow:
    first = _first_start(j)
    leaders = [s for s in j.deciding if s.rep.start == first]
    association = j.claim.question == "association" and first == 4
    observational = any(s.rep.item.design in ("cohort", "meta_analysis_obs") for s in leaders)
    footnote = ASSOCIATION_FOOTNOTE if association and observational else START_FOOTNOTES[first]
    footnote = f"The deciding evidence: {_designs(j.deciding)}. {footnote}"
    if j.capped_by:
        footnote += (
            f" Whatever else it shows, the grade is at most low: nobody has checked the record"
            f" of {names(j.capped_by)} yet."
        )
    return DomainRow("start", first, f"Starts {LEVEL_WORDS[first]}", labels(j.deciding), footnote)


def _down_row(j, domain: str) -> DomainRow:
    result = j.domains[domain]
    footnote = FOOTNOTES[domain](j, result)
    return DomainRow(
        domain, result.change, SEVERITY[result.change], labels(result.studies), footnote
    )


def _down_reason(j, domain: str) -> list[str]:
    result = j.domains[domain]
    if not result.change:
        return []
    why = SHORT_WHY[domain](j, result)
    return [f"Down {-result.change}: {DOMAIN_WORDS[domain]}, {why}"]


def _risk_footnote(j, result) -> str:
    if not result.change:
        return "Most of the deciding evidence comes from studies at low risk of bias."
    return (
        "Most of the deciding evidence was not shown to be at low risk of bias: "
        + _risk_detail(result.studies)
        + "."
    )


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


def _inconsistency_footnote(j, result) -> str:
    if not result.change:
        return "The deciding results agree with one another."
    return sentence(_inconsistency_why(j, result))


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


def _indirectness_footnote(j, result) -> str:
    if not result.change:
        return "The deciding studies looked at what the claim is about."
    why = _indirectness_why(j, result)
    return f"The deciding evidence answers a different question from the claim: {why}."


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


def _imprecision_footnote(j, result) -> str:
    if not result.change:
        return "The results are precise enough to rely on."
    return sentence(_imprecision_why(j, result))


FOOTNOTES = {
    "risk_of_bias": _risk_footnote,
    "inconsistency": _inconsistency_footnote,
    "indirectness": _indirectness_footnote,
    "imprecision": _imprecision_footnote,
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


def _publication_row(j) -> DomainRow:
    result = j.domains["publication_bias"]
    if not result.change:
        footnote = "Nothing suggests that studies with other results went unpublished."
        return DomainRow("publication_bias", 0, "Not suspected", (), footnote)
    why = PUBLICATION_WHY[result.why].format(names=names(result.studies))
    footnote = why[0].upper() + why[1:] + "; studies with other results may be missing."
    return DomainRow("publication_bias", -1, "Suspected", labels(result.studies), footnote)


def _publication_reasons(j) -> list[str]:
    result = j.domains["publication_bias"]
    if not result.change:
        return []
    why = PUBLICATION_WHY[result.why].format(names=names(result.studies))
    return [f"Down 1: publication bias, {why}"]


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


def _up_row(j) -> DomainRow:
    result = j.domains["rating_up"]
    if not result.change:
        footnote = (
            "Only observational evidence with no serious problem can be rated up; nothing here was."
        )
        return DomainRow("rating_up", 0, "None", (), footnote)
    words = _up_words(j, result)
    footnote = f"Rated up: {words}; an effect this clear is hard to explain by bias alone."
    judgement = f"Up {result.change}: {words.split(' (')[0]}"
    return DomainRow("rating_up", result.change, judgement, labels(result.studies), footnote)


def _up_reasons(j) -> list[str]:
    result = j.domains["rating_up"]
    if not result.change:
        return []
    return [f"Up {result.change}: {_up_words(j, result)}"]


def _limit_reasons(j) -> list[str]:
    reasons = []
    if j.unclamped < 1:
        reasons.append("Stays very low: the floor of the scale")
    elif j.unclamped > 4:
        reasons.append("Stays high: the top of the scale")
    if j.capped_by:
        reasons.append(f"At most low: nobody has checked the record of {names(j.capped_by)} yet")
    return reasons


JOIN_WORDS = {
    "same_reference": "{a} and {b} are from the same paper",
    "pools": "{pooler} pools {pooled}",
    "overlap": "{a} and {b} pool the same studies",
    "may_include": "{review} reviews {family} and may include {other}",
}


def _join_sentence(kind: str, a, b) -> str:
    x, y = a.item, b.item
    if kind == "pools":
        pooler, pooled = (x, y) if y.citekey in x.covers else (y, x)
        return JOIN_WORDS[kind].format(pooler=pooler.name, pooled=pooled.name)
    if kind == "may_include":
        review, other = (a, b) if a.synthesis and not x.covers and a.family == b.family else (b, a)
        if other.synthesis and not other.item.covers and not review.synthesis:
            review, other = other, review
        return JOIN_WORDS[kind].format(
            review=review.item.name, family=FAMILY_WORDS[review.family], other=other.item.name
        )
    return JOIN_WORDS[kind].format(a=x.name, b=y.name)


def _counted_once(study) -> str:
    members = list(dict.fromkeys(member.item.name for member in study.members))
    if {kind for kind, _, _ in study.joins} == {"same_reference"}:
        count = len(study.members)
        return f"Counted once: {count} results of {members[0]}, one paper, count as one study"
    whys = "; ".join(dict.fromkeys(_join_sentence(*join) for join in study.joins))
    return f"Counted once: {'; '.join(members)} ({whys})"


def _direction_reason(j) -> str:
    sized = all(study.rep.item.sample_size is not None for study in j.deciding)
    unit = "by number studied" if sized else "one per study, sizes not all known"
    return (
        f"Direction {j.direction}: the deciding evidence weighs {number(j.support)} for and"
        f" {number(j.against)} against ({unit})"
    )


def _other_way_sentence(study) -> str:
    item = study.rep.item
    return (
        f"{described(item)} {STANCE_WORDS[study.stance]}, at a lower certainty than the"
        f" deciding evidence ({LEVEL_WORDS[study.level]})."
    )
