"""grade-3, step 8: plain words for a judgement, its reasons and its GRADE evidence profile.

Pure. Reads the `Judgement` of `evidence.rubrics.grade3` (duck-typed) and writes for a lay
reader: designs spelled out, each domain's change with the studies behind it, and only what
was judged: "Not assessed" where nobody assessed, "Not applicable (one study)" where there is
nothing to compare, never "Not suspected". grade-2's words for designs, routes and exclusions
are reused (one home per word).
"""

from __future__ import annotations

from evidence.rubrics.grade2.explain import (
    LEVEL_WORDS,
    NOT_COUNTED_WORDS,
    POPULATION_WORDS,
    described,
    design_words,
    labels,
    names,
    number,
    sentence,
)
from evidence.rubrics.grade2.explain import (
    insufficient as insufficient,
)
from evidence.rubrics.grade3.domains import heterogeneity as heterogeneity_change
from evidence.rubrics.profile import (
    DOMAINS,
    Cap,
    DomainRow,
    Estimate,
    Heterogeneity,
    Overlap,
    Profile,
    StudyRisk,
)

SEVERITY = {0: "Not serious", -1: "Serious", -2: "Very serious", -3: "Extremely serious"}
FINDING_WORDS = {
    "for": "points the claim's way",
    "against": "points the other way",
    "null": "shows no difference",
    "mixed": "found mixed results",
}
DIRECTION_REASON = {
    "supported": "Direction: supported",
    "contradicted": "Direction: contradicted",
    "no_difference": "Direction: no difference shown",
    "contested": "Direction: contested",
}
RISK_WORDS = {
    "low": "low",
    "some_concerns": "some concerns",
    "high": "high",
    "critical": "critical",
    "not_assessed": "Not assessed",
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
START_FOOTNOTES = {
    "randomised": "Randomised trials start high: chance decided who got what.",
    "randomised_animal": "Animal experiments with random allocation start high: chance decided"
    " which animals got what.",
    "prognostic": "For a question of prognosis (who is more likely to get what), cohort studies"
    " start high; the grade is about prediction, not cause.",
    "observational": "Observational studies start low: people who chose an exposure may differ"
    " in other ways.",
    "laboratory": "Animal experiments without random allocation and laboratory studies on cells"
    " start low: nothing but the genotype or dish decided the groups, and GRADE has no"
    " guidance for cell studies.",
    "case_series": "Case series start very low: they have no comparison group.",
}
CAP_WORDS = {
    "single_study": "at most moderate: one study, not replicated ({names})",
    "laboratory_no_ci": "at most low: laboratory or animal results without a confidence"
    " interval, so their precision cannot be assessed ({names})",
    "unverified": "at most low: nobody has checked the record of {names} yet",
    "secondary": "at most very low: nobody here read the study or its abstract, only someone"
    " else's account ({names})",
    "narrative_review": "at most low: known only through a narrative review's account ({names})",
}
CAP_LEVELS = {"secondary": "very_low", "narrative_review": "low"}
LEVEL_NAMES = {1: "very_low", 2: "low", 3: "moderate", 4: "high"}


# --- Nothing to grade ------------------------------------------------------------------------


def not_graded(claim) -> tuple[tuple[str, ...], Profile]:
    if claim.question == "background":
        return ("Not graded: a background fact, which the grade does not rate",), Profile(())
    parts = tuple(claim.parts)
    return (
        (f"Not graded: the claim bundles {len(parts)} outcomes; see its parts",),
        Profile((), parts=parts),
    )


# --- A graded claim ----------------------------------------------------------------------


def explain(j) -> tuple[tuple[str, ...], Profile]:
    """Reasons (one per step that acted) and the evidence profile of judgement `j`."""
    first = max(study.rep.start for study in j.deciding)
    rows = {"start": _start_row(j, first)}
    reasons = [f"Starts {LEVEL_WORDS[first]}: {_designs(j.deciding)}"]
    risks = tuple(_study_risk(study) for study in j.deciding)
    rows["risk_of_bias"], reason = _risk_row(j, risks)
    reasons += reason
    heterogeneity = tuple(_heterogeneity(study) for study in j.deciding if study.rep.synthesis)
    rows["inconsistency"], reason = _inconsistency_row(j, heterogeneity)
    reasons += reason
    rows["indirectness"], reason = _indirectness_row(j)
    reasons += reason
    estimate = _estimate(j)
    rows["imprecision"], reason = _imprecision_row(j, estimate)
    reasons += reason
    rows["publication_bias"], reason = _publication_row(j)
    reasons += reason
    rows["rating_up"], reason = _up_row(j)
    reasons += reason
    reasons += _limit_reasons(j)
    caps = _caps(j)
    reasons += [sentence(cap.text)[:-1] for cap in caps if cap.applied]
    overlaps = _overlaps(j)
    reasons += [overlap.text for overlap in overlaps]
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
            "Points another way, at lower certainty: "
            + "; ".join(f"{s.label} ({FINDING_WORDS[s.finding]})" for s in j.other_way)
        )
    notes = _notes(j)
    reasons += notes
    profile = Profile(
        rows=tuple(rows[domain] for domain in DOMAINS),
        counted_once=counted_once,
        not_counted=tuple(not_counted),
        other_way=other_way,
        provisional=j.provisional,
        deciding=labels(j.deciding),
        risks=risks,
        heterogeneity=heterogeneity,
        estimate=estimate,
        caps=caps,
        overlaps=overlaps,
        notes=tuple(notes),
    )
    return tuple(reasons), profile


def _designs(studies) -> str:
    groups: dict[tuple, list] = {}
    for study in studies:
        groups.setdefault((study.rep.item.design, study.rep.item.via), []).append(study)
    return "; ".join(
        f"{design_words(group[0].rep.item, plural=len(group) > 1)} ({names(group)})"
        for group in groups.values()
    )


def _start_kind(j, study) -> str:
    item = study.rep.item
    if study.rep.start == 4:
        if item.design == "animal":
            return "randomised_animal"
        return "prognostic" if item.design in ("cohort", "meta_analysis_obs") else "randomised"
    if study.rep.start == 1:
        return "case_series"
    return "laboratory" if item.design in ("animal", "in_vitro") else "observational"


def _start_row(j, first: int) -> DomainRow:
    kinds = dict.fromkeys(_start_kind(j, study) for study in j.deciding)
    footnote = " ".join(START_FOOTNOTES[kind] for kind in kinds)
    footnote = f"The deciding evidence: {_designs(j.deciding)}. {footnote}"
    return DomainRow("start", first, f"Starts {LEVEL_WORDS[first]}", labels(j.deciding), footnote)


# --- Risk of bias --------------------------------------------------------------------------


def _study_risk(study) -> StudyRisk:
    item = study.rep.item
    concern = item.record == "expression_of_concern" and item.risk_of_bias != "critical"
    judgement = "high" if concern else item.risk_of_bias
    words = RISK_WORDS[judgement]
    if concern:
        text = "high (the journal published an expression of concern)"
    elif judgement == "not_assessed":
        text = "Not assessed (provisional)"
    else:
        text = f"{words} ({item.rob_tool})" if item.rob_tool else words
    return StudyRisk(study.label, judgement, item.rob_tool, text, concern)


def _risk_row(j, risks) -> tuple[DomainRow, list]:
    result = j.domains["risk_of_bias"]
    detail = "; ".join(f"{risk.study}: {risk.text}" for risk in risks)
    if result.why == "not_assessed":
        footnote = (
            f"Nobody has assessed the risk of bias of the deciding studies yet ({detail}); the"
            " grade is provisional."
        )
        return DomainRow("risk_of_bias", 0, "Not assessed", labels(j.deciding), footnote), []
    if not result.change:
        footnote = f"Per study: {detail}."
        if j.provisional:
            footnote += " Some studies are not assessed yet; the grade is provisional."
        return DomainRow("risk_of_bias", 0, SEVERITY[0], labels(j.deciding), footnote), []
    share = "at least half" if result.why == "critical" else "at least a third"
    worst = "critical" if result.why == "critical" else "high or critical"
    why = f"{worst} in {share} of the deciding evidence ({names(result.studies)})"
    footnote = sentence(f"Risk of bias is {why}. Per study: {detail}")
    row = DomainRow(
        "risk_of_bias", result.change, SEVERITY[result.change], labels(result.studies), footnote
    )
    return row, [f"Down {-result.change}: risk of bias, {why}"]


# --- Inconsistency -------------------------------------------------------------------------


def _heterogeneity(study) -> Heterogeneity:
    item = study.rep.item
    words = f"direction of the pooled studies: {SAME_DIRECTION_WORDS[item.same_direction]}"
    i2 = "I² not reported" if item.i_squared is None else f"I² {number(item.i_squared)}%"
    change = heterogeneity_change(item)
    return Heterogeneity(study.label, item.i_squared, item.same_direction, change, f"{i2}; {words}")


def _inconsistency_row(j, heterogeneity) -> tuple[DomainRow, list]:
    result = j.domains["inconsistency"]
    pooled = "; ".join(f"{h.study}: {h.text}" for h in heterogeneity)
    if result.why == "one_study":
        footnote = "Only one study decides; one result cannot disagree with itself."
        return DomainRow("inconsistency", 0, "Not applicable (one study)", (), footnote), []
    if result.why == "not_assessed":
        footnote = (
            f"Neither the spread of the studies pooled in {j.deciding[0].label} nor their"
            " directions are reported."
        )
        return DomainRow("inconsistency", 0, "Not assessed", labels(j.deciding), footnote), []
    if not result.change:
        footnote = "The deciding results are compatible with one another."
        if pooled:
            footnote += f" {sentence(pooled)}"
        return DomainRow("inconsistency", 0, SEVERITY[0], labels(j.deciding), footnote), []
    parts = []
    findings = {}
    for study in result.studies:
        if study.finding in ("for", "against", "null") and len(j.deciding) > 1:
            findings.setdefault(study.finding, []).append(study)
    if len(findings) > 1:
        groups = "; ".join(f"{names(s)} {FINDING_WORDS[f]}" for f, s in findings.items())
        parts.append(f"the deciding studies disagree ({groups})")
    wide = [h for h in heterogeneity if h.change]
    if wide:
        parts.append("; ".join(f"the studies pooled in {h.study} vary ({h.text})" for h in wide))
    why = "; ".join(parts)
    row = DomainRow(
        "inconsistency",
        result.change,
        SEVERITY[result.change],
        labels(result.studies),
        sentence(why),
    )
    return row, [f"Down {-result.change}: inconsistency, {why}"]


# --- Indirectness --------------------------------------------------------------------------


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
    if item.population_match != "direct":
        parts.append(f"a {item.population_match} population")
    for field, noun in (("intervention_match", "intervention"), ("outcome_match", "outcome")):
        match = getattr(item, field)
        if match != "direct":
            surrogate = " such as a surrogate measure" if noun == "outcome" else ""
            parts.append(f"a {match} {noun}{surrogate}")
    if item.comparator_match == "indirect":
        parts.append("an indirect comparison")
    return ", ".join(parts)


def _indirectness_row(j) -> tuple[DomainRow, list]:
    result = j.domains["indirectness"]
    if not result.change:
        footnote = "The deciding studies looked at what the claim is about."
        return DomainRow("indirectness", 0, SEVERITY[0], labels(j.deciding), footnote), []
    groups: dict[str, list] = {}
    for study in result.studies:
        groups.setdefault(_indirect_detail(j, study), []).append(study)
    why = "; ".join(f"{detail} ({names(studies)})" for detail, studies in groups.items())
    footnote = sentence(f"The deciding evidence answers a different question from the claim: {why}")
    severity = SEVERITY[max(-2, result.change)]
    row = DomainRow("indirectness", result.change, severity, labels(result.studies), footnote)
    return row, [f"Down {-result.change}: indirectness, {why}"]


# --- Imprecision ---------------------------------------------------------------------------


def _estimate(j) -> Estimate | None:
    result = j.domains["imprecision"]
    d = result.detail
    if "source" not in d:
        return None
    study = d["study"]
    return Estimate(
        source=d["source"],
        study=study.label if study is not None else "",
        measure=d["measure"],
        value=d["value"],
        ci_low=d["low"],
        ci_high=d["high"],
        ci_source=d["ci_source"],
        mid=d["mid"],
        thresholds=d["bounds"],
        regions=d["regions"],
        twice=d["twice"],
        ois=d["ois"],
        total_size=d["total"],
        change=result.change,
        text=_estimate_text(d),
    )


def _estimate_text(d) -> str:
    what = "the pooled estimate"
    if d["source"] != "pooled":
        what = f"the estimate of {d['study'].label}"
    derived = ", derived from a P value" if d["ci_source"] == "derived" else ""
    value = f"{number(d['value'])}, " if d["value"] is not None else ""
    text = f"Judged on {what} ({value}95% CI {number(d['low'])} to {number(d['high'])}{derived})"
    bounds = d["bounds"]
    if bounds is not None:
        source = "the MID" if d["mid"] is not None else "the default for ratios"
        regions = ", ".join(REGION_WORDS[r] for r in d["regions"])
        text += (
            f"; thresholds of an important effect {number(bounds[0])} and {number(bounds[1])}"
            f" ({source}); the interval spans {regions}"
        )
        if d["twice"]:
            text += ", reaching twice the thresholds both ways"
    else:
        text += "; no minimal important difference is set, so only no effect is checked"
    if d["ois"] is not None:
        text += f"; {number(d['total'])} studied in all (at least {d['ois']} wanted)"
    return text + "."


def _imprecision_row(j, estimate) -> tuple[DomainRow, list]:
    result = j.domains["imprecision"]
    total = result.detail.get("total")
    if estimate is not None:
        footnote = estimate.text
        why = {
            "regions": "the confidence interval spans more than one kind of effect",
            "includes_null": "the confidence interval includes no effect",
            "small": f"only {number(total or 0)} studied in total, fewer than 400",
        }[result.why]
    elif result.why == "laboratory_no_ci":
        footnote = (
            "Not assessable (no confidence interval): laboratory or animal results without a"
            " confidence interval; the grade is at most low."
        )
        row = DomainRow("imprecision", 0, "Not assessable", labels(result.studies), footnote)
        return row, []
    elif result.why == "null_no_ci":
        size = f"{number(total)} studied" if total is not None else "sizes not all known"
        why = (
            f"no difference shown, but without a confidence interval ({size}) it cannot rule"
            " out an important effect"
        )
        footnote = sentence(why)
    elif result.why == "no_ci":
        why = "no confidence interval, and fewer than 400 studied or sizes not all known"
        footnote = sentence(why)
    else:  # no_ci_large
        footnote = f"No confidence interval, but {number(total)} studied in all."
    severity = SEVERITY[result.change]
    row = DomainRow("imprecision", result.change, severity, labels(result.studies), footnote)
    if not result.change:
        return row, []
    return row, [f"Down {-result.change}: imprecision, {why}"]


# --- Publication bias, rating up -----------------------------------------------------------

PUBLICATION_WHY = {
    "small_study_effects": "small-study effects were detected in {names}",
    "small_industry": "only a few small studies, mostly paid for by industry, all finding"
    " for it ({names})",
}


def _publication_row(j) -> tuple[DomainRow, list]:
    result = j.domains["publication_bias"]
    studies = labels(result.studies) if result.studies else ()
    if result.why == "not_detected":
        footnote = f"{names(result.studies)} looked for small-study effects and found none."
        return DomainRow("publication_bias", 0, "Not detected", studies, footnote), []
    if not result.change:
        footnote = "Nobody has assessed whether studies with other results went unpublished."
        return DomainRow("publication_bias", 0, "Not assessed", (), footnote), []
    why = PUBLICATION_WHY[result.why].format(names=names(result.studies))
    footnote = why[0].upper() + why[1:] + "; studies with other results may be missing."
    row = DomainRow("publication_bias", -1, "Suspected", studies, footnote)
    return row, [f"Down 1: publication bias, {why}"]


UP_WORDS = {
    "very_large": "very large effect",
    "large": "large effect",
    "dose_response": "dose-response",
    "confounding": "confounding would hide the effect",
}


def _up_row(j) -> tuple[DomainRow, list]:
    result = j.domains["rating_up"]
    if not result.change:
        footnote = (
            "Only observational studies of people with no reason to rate down and an assessed"
            " risk of bias can be rated up; nothing here was."
        )
        return DomainRow("rating_up", 0, "None", (), footnote), []
    words = " and ".join(UP_WORDS[factor] for factor in result.why.split(","))
    footnote = f"Rated up: {words}; an effect this clear is hard to explain by bias alone."
    row = DomainRow(
        "rating_up", result.change, f"Up {result.change}: {words}", labels(result.studies), footnote
    )
    return row, [f"Up {result.change}: {words}"]


# --- Caps, overlaps, joins, direction, notes -----------------------------------------------


def _limit_reasons(j) -> list[str]:
    if j.unclamped < 1:
        return ["Stays very low: the floor of the scale"]
    if j.unclamped > 4:
        return ["Stays high: the top of the scale"]
    return []


def _caps(j) -> tuple[Cap, ...]:
    caps = []
    for study in j.deciding:  # what was read: item caps of the deciding studies
        rep = study.rep
        if rep.level < rep.uncapped:
            kind = "secondary" if rep.item.source_access == "secondary" else "narrative_review"
            text = CAP_WORDS[kind].format(names=study.label)
            caps.append(Cap(kind, CAP_LEVELS[kind], (study.label,), True, text))
    for kind, at_most, studies, applied in j.caps:
        text = CAP_WORDS[kind].format(names=names(studies))
        caps.append(Cap(kind, LEVEL_NAMES[at_most], labels(studies), applied, text))
    return tuple(caps)


def _overlaps(j) -> tuple[Overlap, ...]:
    seen, result = set(), []
    for review, other in j.overlaps:
        pair = frozenset((review.index, other.index))
        if pair in seen:
            continue
        seen.add(pair)
        text = (
            f"{review.item.name} may include {other.item.name}; check"
            f" {review.item.name}'s included studies"
        )
        result.append(Overlap(review.item.name, other.item.name, text))
    return tuple(result)


JOIN_WORDS = {
    "same_reference": "{a} and {b} are from the same paper",
    "pools": "{pooler} pools {pooled}",
    "overlap": "{a} and {b} pool the same studies",
}


def _join_sentence(kind: str, a, b) -> str:
    x, y = a.item, b.item
    if kind == "pools":
        pooler, pooled = (x, y) if b.key in x.covers else (y, x)
        return JOIN_WORDS[kind].format(pooler=pooler.name, pooled=pooled.name)
    return JOIN_WORDS[kind].format(a=x.name, b=y.name)


def _counted_once(study) -> str:
    members = list(dict.fromkeys(member.item.name for member in study.members))
    if {kind for kind, _, _ in study.joins} == {"same_reference"}:
        count = len(study.members)
        return f"Counted once: {count} results of {members[0]}, one paper, count as one study"
    whys = "; ".join(dict.fromkeys(_join_sentence(*join) for join in study.joins))
    return f"Counted once: {'; '.join(members)} ({whys})"


def _direction_reason(j) -> str:
    head = DIRECTION_REASON[j.direction]
    if not j.tally:
        return f"{head}: from the pooled estimate of the deciding studies"
    sized = all(study.rep.item.sample_size is not None for study in j.deciding)
    unit = "by number studied" if sized else "one per study, sizes not all known"
    t = j.tally
    return (
        f"{head}: the deciding evidence weighs {number(t['for'])} for,"
        f" {number(t['against'])} against and {number(t['null'])} showing no difference ({unit})"
    )


def _other_way_sentence(study) -> str:
    return (
        f"{described(study.rep.item)} {FINDING_WORDS[study.finding]}, at a lower certainty than"
        f" the deciding evidence ({LEVEL_WORDS[study.level]})."
    )


def _notes(j) -> list[str]:
    notes = []
    if j.provisional:
        notes.append(PROVISIONAL_NOTE)
    if j.claim.question == "prognostic":
        notes.append(PROGNOSTIC_NOTE)
    if j.claim.population == "humans" and any(
        study.rep.item.population in ("animals", "cells") for study in j.deciding
    ):
        notes.append(LABORATORY_NOTE)
    return notes


__all__ = ["explain", "insufficient", "not_graded"]
