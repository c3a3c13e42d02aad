"""grade-2, step 7: plain words for a judgement, its reasons and its GRADE evidence profile.

Pure. Reads the `Judgement` of `evidence.rubrics.grade2` (duck-typed, so this module imports
no engine code) and writes for a lay reader: designs are spelled out ("randomised controlled
trial", never `rct`), each domain says what moved the grade and which studies are behind it.
"""

from __future__ import annotations

from evidence.rubrics.levels import LEVEL_WORDS
from evidence.rubrics.profile import DOMAINS, DomainRow, Profile

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
    if len(studies) == 1:
        return studies[0].label
    return "; ".join(dict.fromkeys([study.label for study in studies]))


def labels(studies) -> tuple[str, ...]:
    if len(studies) == 1:
        return (studies[0].label,)
    return tuple(dict.fromkeys([study.label for study in studies]))


def number(value: float) -> str:
    return format(value, ",g")


def sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def described(item) -> str:
    """'Prior 1990 (a narrative review)'."""
    return f"{item.name} ({DESCRIPTIONS[item.design, item.via]})"


def _article(words: str) -> str:
    return ("an " if words[0] in "aeiou" else "a ") + words


DESCRIPTIONS = {
    (design, via): _article(words[0] + route)
    for design, words in DESIGN_WORDS.items()
    for via, route in VIA_WORDS.items()
}


# --- Nothing to grade ------------------------------------------------------------------------


NOT_GRADED_REASONS = ("Not graded: a background fact, which the grade does not rate",)
NO_PROFILE = Profile(rows=())


def insufficient(items, skipped) -> tuple[tuple[str, ...], Profile]:
    """Reasons and profile of a claim with nothing counted: who asserts it, who mentions it,
    and why each other item was not counted. `skipped` pairs each item with its code."""
    if not items:
        return ("Insufficient: no evidence recorded",), NO_PROFILE
    parts = ["Insufficient: no study that counts tests it"]
    asserting = [item.name for item, code in skipped if code == "asserts"]
    mentioning = [item.name for item, code in skipped if code == "mentions"]
    if asserting:
        parts.append(f"only asserted by {', '.join(dict.fromkeys(asserting))}")
    if mentioning:
        parts.append(f"only mentioned by {', '.join(dict.fromkeys(mentioning))}")
    not_counted = []
    for item, code in skipped:
        what, why = described(item), NOT_COUNTED_WORDS[code]
        not_counted.append(f"{what} is not counted: {why}.")
        if code not in ("asserts", "mentions"):
            parts.append(f"{what} not counted, as {why}")
    return ("; ".join(parts),), Profile(rows=(), not_counted=tuple(not_counted))


# --- A graded claim ----------------------------------------------------------------------


def explain(j) -> tuple[tuple[str, ...], Profile]:
    """Reasons (one per step that acted) and the evidence profile of judgement `j`.

    Each domain's explanation is worded once and used twice: as its reason (when it moved
    the grade) and in the footnote of its profile row.
    """
    first = max(study.rep.start for study in j.deciding)
    leaders = [study for study in j.deciding if study.rep.start == first]
    deciding_designs = _designs(j.deciding)
    leading_designs = deciding_designs if len(leaders) == len(j.deciding) else _designs(leaders)
    rows = {"start": _start_row(j, first, leaders, deciding_designs)}
    reasons = [f"Starts {LEVEL_WORDS[first]}: {leading_designs}"]
    if len(leaders) < len(j.deciding):
        others = [study for study in j.deciding if study.rep.start != first]
        reasons.append(f"Also {LEVEL_WORDS[j.top]}: {_designs(others)}")
    for domain in ("indirectness", "risk_of_bias", "inconsistency", "imprecision"):
        rows[domain], reason = _down(j, domain)
        reasons += [reason] if reason else []
    rows["publication_bias"], reason = _publication(j)
    reasons += [reason] if reason else []
    rows["rating_up"], reason = _up(j)
    reasons += [reason] if reason else []
    reasons += _limit_reasons(j)
    counted_once = tuple(_counted_once(study) for study in j.studies if len(study.members) > 1)
    reasons += counted_once
    not_counted = []
    for item, code in j.skipped:
        what, why = described(item), NOT_COUNTED_WORDS[code]
        reasons.append(f"Not counted: {what}, as {why}")
        not_counted.append(f"{what} is not counted: {why}.")
    reasons.append(_direction_reason(j))
    other_way = tuple(_other_way_sentence(study) for study in j.other_way)
    if j.other_way:
        reasons.append(
            "Points the other way, at lower certainty: "
            + "; ".join(f"{s.label} ({STANCE_WORDS[s.stance]})" for s in j.other_way)
        )
    profile = Profile(
        rows=tuple(rows[domain] for domain in DOMAINS),
        counted_once=counted_once,
        not_counted=tuple(not_counted),
        other_way=other_way,
    )
    return tuple(reasons), profile


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


def _start_row(j, first: int, leaders: list, deciding_designs: str) -> DomainRow:
    association = j.claim.question == "association" and first == 4
    observational = any(s.rep.item.design in ("cohort", "meta_analysis_obs") for s in leaders)
    footnote = ASSOCIATION_FOOTNOTE if association and observational else START_FOOTNOTES[first]
    footnote = f"The deciding evidence: {deciding_designs}. {footnote}"
    if j.capped_by:
        footnote += (
            f" Whatever else it shows, the grade is at most low: nobody has checked the record"
            f" of {names(j.capped_by)} yet."
        )
    return DomainRow("start", first, f"Starts {LEVEL_WORDS[first]}", labels(j.deciding), footnote)


def _down(j, domain: str) -> tuple[DomainRow, str]:
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


def _publication(j) -> tuple[DomainRow, str]:
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


def _up(j) -> tuple[DomainRow, str]:
    result = j.domains["rating_up"]
    if not result.change:
        return STEADY_ROWS["rating_up"], ""
    words = _up_words(j, result)
    footnote = f"Rated up: {words}; an effect this clear is hard to explain by bias alone."
    judgement = f"Up {result.change}: {words.split(' (')[0]}"
    row = DomainRow("rating_up", result.change, judgement, labels(result.studies), footnote)
    return row, f"Up {result.change}: {words}"


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
