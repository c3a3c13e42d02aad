"""grade-3, step 8: plain words for a judgement, as reasons (stored with the grade) and, on
request, as the GRADE evidence profile the pages show (`evidence.rubrics.grade3.rows`).

Pure. Reads the `Judgement` of `evidence.rubrics.grade3` (duck-typed) and writes for a lay
reader: designs spelled out, one sentence per step that acted, with the studies behind it.
Each domain's explanation (its `why`) is worded once here and used by both the reason and the
profile row. grade-2's words for designs, routes and exclusions are reused (one home per word).
"""

from __future__ import annotations

from evidence.rubrics.grade2.explain import (
    DESCRIPTIONS,
    DOMAIN_WORDS,
    LEVEL_WORDS,
    NOT_COUNTED_WORDS,
    POPULATION_WORDS,
    design_words,
    names,
    number,
)
from evidence.rubrics.grade3.domains import DOWN_DOMAINS, heterogeneity

FINDING_WORDS = {
    "for": "points the claim's way",
    "against": "points the other way",
    "null": "shows no difference",
    "mixed": "found mixed results",
}
DIRECTION_HEADS = {
    "supported": "Direction: supported",
    "contradicted": "Direction: contradicted",
    "no_difference": "Direction: no difference shown",
    "contested": "Direction: contested",
}
SAME_DIRECTION_WORDS = {"yes": "same", "no": "some opposite", "unknown": "not checked"}
REGION_WORDS = {
    "important_low": "an important effect below",
    "trivial": "a trivial effect",
    "important_high": "an important effect above",
}
PROVISIONAL_NOTE = "Provisional: risk of bias not yet assessed."
PROGNOSTIC_NOTE = (
    "This grade is about an association that predicts risk; it says nothing about cause."
)
LABORATORY_NOTE = "Based on laboratory or animal studies, not on people."
CAP_WORDS = {
    "secondary": "at most very low: nobody here read the study or its abstract, only someone"
    " else's account ({names})",
    "narrative_review": "at most low: known only through a narrative review's account ({names})",
    "single_study": "at most moderate: one study, not replicated ({names})",
    "laboratory_no_ci": "at most low: laboratory or animal results without a confidence"
    " interval, so their precision cannot be assessed ({names})",
    "unverified": "at most low: nobody has checked the record of {names} yet",
}
PUBLICATION_WHY = {
    "small_study_effects": "small-study effects were detected in {names}",
    "small_industry": "only a few small studies, mostly paid for by industry, all finding"
    " for it ({names})",
}
UP_WORDS = {
    "very_large": "very large effect",
    "large": "large effect",
    "dose_response": "dose-response",
    "confounding": "confounding would hide the effect",
}
JOIN_WORDS = {
    "same_reference": "{a} and {b} are from the same paper",
    "pools": "{pooler} pools {pooled}",
    "overlap": "{a} and {b} pool the same studies",
}


def reasons_of(j) -> tuple[tuple[str, ...], dict]:
    """The reasons of judgement `j` (one per step that acted), and the words worked out on
    the way that the evidence profile reuses (`rows.profile_of`)."""
    first = max([study.rep.start for study in j.deciding])
    designs = designs_of(j.deciding)
    reasons = [f"Starts {LEVEL_WORDS[first]}: {designs}"]
    whys = {}
    domains = j.domains
    for domain in DOWN_DOMAINS:
        result = domains[domain]
        if result.change:
            why = WHY[domain](j, result)
            whys[domain] = why
            reasons.append(f"Down {-result.change}: {DOMAIN_WORDS[domain]}, {why}")
    up = domains["rating_up"]
    if up.change:
        whys["rating_up"] = why = up_words(up)
        reasons.append(f"Up {up.change}: {why}")
    if j.unclamped < 1:
        reasons.append("Stays very low: the floor of the scale")
    elif j.unclamped > 4:
        reasons.append("Stays high: the top of the scale")
    caps = cap_texts(j)
    reasons += [f"At most {text[8:]}" for _, _, _, applied, text in caps if applied]
    overlaps = overlaps_of(j.overlaps)
    reasons += [text for _, _, text in overlaps]
    counted_once = tuple([counted_once_of(s) for s in j.studies if len(s.members) > 1])
    reasons += counted_once
    not_counted = not_counted_of(j.skipped)
    reasons += not_counted
    reasons.append(direction_reason(j))
    if j.other_way:
        reasons.append(
            "Points another way, at lower certainty: "
            + "; ".join([f"{s.label} ({FINDING_WORDS[s.finding]})" for s in j.other_way])
        )
    notes = notes_of(j)
    reasons += notes
    parts = {
        "first": first,
        "designs": designs,
        "whys": whys,
        "caps": caps,
        "overlaps": overlaps,
        "counted_once": counted_once,
        "not_counted": not_counted,
        "notes": tuple(notes),
    }
    return tuple(reasons), parts


def designs_of(studies) -> str:
    """'randomised controlled trials (A; B); meta-analysis of randomised trials (C)'."""
    if len(studies) == 1:
        study = studies[0]
        return f"{design_words(study.rep.item)} ({study.label})"
    groups: dict[tuple, list] = {}
    for study in studies:
        groups.setdefault((study.rep.item.design, study.rep.item.via), []).append(study)
    return "; ".join(
        [
            f"{design_words(group[0].rep.item, plural=len(group) > 1)} ({names(group)})"
            for group in groups.values()
        ]
    )


def not_counted_of(skipped) -> tuple[str, ...]:
    """One sentence per reason for not counting: "Not counted, as it states the claim without
    testing it: Smith 2020 (a textbook); Lee 2019 (a popular article)"."""
    groups: dict[str, list] = {}
    for item, code in skipped:
        what = f"{item.name} ({DESCRIPTIONS[item.design, item.via]})"
        if code in groups:
            groups[code].append(what)
        else:
            groups[code] = [what]
    return tuple(
        [
            f"Not counted, as {NOT_COUNTED_WORDS[code]}: {'; '.join(whats)}"
            for code, whats in groups.items()
        ]
    )


# --- Why each domain moved the grade --------------------------------------------------------


def risk_why(j, result) -> str:
    if result.why == "critical":
        return f"critical in at least half of the deciding evidence ({names(result.studies)})"
    return (
        f"high or critical in at least a third of the deciding evidence ({names(result.studies)})"
    )


def heterogeneity_text(item) -> str:
    """'I² 81%; direction of the pooled studies: not checked'."""
    i2 = "I² not reported" if item.i_squared is None else f"I² {number(item.i_squared)}%"
    return f"{i2}; direction of the pooled studies: {SAME_DIRECTION_WORDS[item.same_direction]}"


def inconsistency_why(j, result) -> str:
    parts = []
    if len(j.deciding) > 1:
        findings: dict[str, list] = {}
        for study in result.studies:
            if study.finding != "mixed":
                findings.setdefault(study.finding, []).append(study)
        if len(findings) > 1:
            groups = "; ".join(f"{names(s)} {FINDING_WORDS[f]}" for f, s in findings.items())
            parts.append(f"the deciding studies disagree ({groups})")
    for study in result.studies:
        item = study.rep.item
        if study.rep.synthesis and heterogeneity(item):
            parts.append(f"the studies pooled in {study.label} vary ({heterogeneity_text(item)})")
    return "; ".join(parts)


def indirect_detail(claim, study) -> str:
    """What about `study` answers a different question: 'studied animals, not people'."""
    item = study.rep.item
    parts = []
    if study.rep.species:
        if item.population == claim.population == "cells":
            parts.append("cells of another species")
        else:
            studied = POPULATION_WORDS[item.population]
            parts.append(f"studied {studied}, not {POPULATION_WORDS[claim.population]}")
    if item.population_match != "direct":
        parts.append(f"a {item.population_match} population")
    if item.intervention_match != "direct":
        parts.append(f"a {item.intervention_match} intervention")
    if item.outcome_match != "direct":
        parts.append(f"a {item.outcome_match} outcome such as a surrogate measure")
    if item.comparator_match == "indirect":
        parts.append("an indirect comparison")
    return ", ".join(parts)


def indirectness_why(j, result) -> str:
    groups: dict[str, list] = {}
    for study in result.studies:
        groups.setdefault(indirect_detail(j.claim, study), []).append(study)
    return "; ".join(f"{detail} ({names(studies)})" for detail, studies in groups.items())


def imprecision_why(j, result) -> str:
    why, detail = result.why, result.detail
    if why == "regions":
        spans = ", ".join([REGION_WORDS[region] for region in detail["regions"]])
        twice = ", reaching twice the thresholds both ways" if detail["twice"] else ""
        return f"the confidence interval spans {spans}{twice}"
    if why == "includes_null":
        return "the confidence interval includes no effect"
    if why == "small":
        return f"only {number(detail['total'])} studied in total, fewer than 400"
    if why == "null_no_ci":
        total = detail["total"]
        size = f"{number(total)} studied" if total is not None else "sizes not all known"
        return (
            f"no difference shown, but without a confidence interval ({size}) it cannot rule"
            " out an important effect"
        )
    return "no confidence interval, and fewer than 400 studied or sizes not all known"


def publication_why(j, result) -> str:
    return PUBLICATION_WHY[result.why].format(names=names(result.studies))


WHY = {
    "risk_of_bias": risk_why,
    "inconsistency": inconsistency_why,
    "indirectness": indirectness_why,
    "imprecision": imprecision_why,
    "publication_bias": publication_why,
}


def up_words(result) -> str:
    return " and ".join([UP_WORDS[factor] for factor in result.why.split(",")])


# --- Caps, joins, direction, notes ----------------------------------------------------------


def cap_texts(j) -> list[tuple]:
    """(kind, at most, studies, applied, text) of every ceiling: first what was read (the
    deciding studies' item caps), then the grade's caps."""
    caps = []
    for study in j.deciding:
        rep = study.rep
        if rep.level < rep.uncapped:
            kind = "secondary" if rep.item.source_access == "secondary" else "narrative_review"
            at_most = 1 if kind == "secondary" else 2
            text = CAP_WORDS[kind].format(names=study.label)
            caps.append((kind, at_most, (study,), True, text))
    for kind, at_most, studies, applied in j.caps:
        caps.append((kind, at_most, studies, applied, CAP_WORDS[kind].format(names=names(studies))))
    return caps


def overlaps_of(pairs) -> list[tuple[str, str, str]]:
    """(review, other, text) of each "may include" flag; two reviews flag each other once."""
    if not pairs:
        return []
    seen, result = set(), []
    for review, other in pairs:
        a, b = review.index, other.index
        pair = (a, b) if a < b else (b, a)
        if pair not in seen:
            seen.add(pair)
            x, y = review.item.name, other.item.name
            result.append((x, y, f"{x} may include {y}; check {x}'s included studies"))
    return result


def _join_sentence(kind: str, a, b) -> str:
    x, y = a.item, b.item
    if kind == "pools":
        pooler, pooled = (x, y) if b.key in x.covers else (y, x)
        return JOIN_WORDS[kind].format(pooler=pooler.name, pooled=pooled.name)
    return JOIN_WORDS[kind].format(a=x.name, b=y.name)


def counted_once_of(study) -> str:
    members = list(dict.fromkeys([member.item.name for member in study.members]))
    if {kind for kind, _, _ in study.joins} == {"same_reference"}:
        count = len(study.members)
        return f"Counted once: {count} results of {members[0]}, one paper, count as one study"
    whys = "; ".join(dict.fromkeys([_join_sentence(*join) for join in study.joins]))
    return f"Counted once: {'; '.join(members)} ({whys})"


def direction_reason(j) -> str:
    head = DIRECTION_HEADS[j.direction]
    if not j.tally:
        return f"{head}: from the pooled estimate of the deciding studies"
    t = j.tally
    unit = "by number studied" if j.weights_are_sizes else "one per study, sizes not all known"
    return (
        f"{head}: the deciding evidence weighs {t['for']:,g} for,"  # `number`'s format, inline
        f" {t['against']:,g} against and {t['null']:,g} showing no difference ({unit})"
    )


def notes_of(j) -> list[str]:
    notes = []
    if j.provisional:
        notes.append(PROVISIONAL_NOTE)
    if j.claim.question == "prognostic":
        notes.append(PROGNOSTIC_NOTE)
    if j.claim.population == "humans" and any(
        [study.rep.item.population in ("animals", "cells") for study in j.deciding]
    ):
        notes.append(LABORATORY_NOTE)
    return notes
