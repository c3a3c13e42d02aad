"""grade-3's evidence profile: one row per GRADE domain, and what pages need besides.

Pure. Built from a `Judgement` and the words `explain.reasons_of` worked out, only when a page
asks for it (`grade(..., profile=True)`, the default). Rows say only what was judged: "Not
assessed" where nobody assessed (risk of bias, publication bias), "Not applicable (one study)"
where nothing can disagree, "Not assessable (no confidence interval)" where precision cannot be
judged; never "Not suspected".
"""

from __future__ import annotations

from evidence.rubrics.grade2.explain import (
    SEVERITY,
    described,
    labels,
    names,
    number,
)
from evidence.rubrics.grade3.domains import heterogeneity
from evidence.rubrics.grade3.explain import (
    FINDING_WORDS,
    REGION_WORDS,
    heterogeneity_text,
)
from evidence.rubrics.levels import LEVEL_NAMES, LEVEL_WORDS
from evidence.rubrics.profile import (
    Cap,
    DomainRow,
    Estimate,
    Heterogeneity,
    Overlap,
    Profile,
    StudyRisk,
)

RISK_WORDS = {
    "low": "low",
    "some_concerns": "some concerns",
    "high": "high",
    "critical": "critical",
}
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
ONE_STUDY_ROW = DomainRow(
    "inconsistency",
    0,
    "Not applicable (one study)",
    (),
    "Only one study decides; one result cannot disagree with itself.",
)
DIRECT_ROW = DomainRow(
    "indirectness", 0, SEVERITY[0], (), "The deciding studies looked at what the claim is about."
)
PUBLICATION_NOT_ASSESSED_ROW = DomainRow(
    "publication_bias",
    0,
    "Not assessed",
    (),
    "Nobody has assessed whether studies with other results went unpublished.",
)
NOT_RATED_UP_ROW = DomainRow(
    "rating_up",
    0,
    "None",
    (),
    "Only observational studies of people with no reason to rate down and an assessed risk of"
    " bias can be rated up; nothing here was.",
)


def profile_of(j, parts: dict) -> Profile:
    """The evidence profile of judgement `j`; `parts` are the words `reasons_of` worked out."""
    whys = parts["whys"]
    studies = j.deciding
    deciding = tuple([study.label for study in studies])  # one per study, repeats kept
    risks = tuple([study_risk(study) for study in studies])
    pooled = tuple([_heterogeneity(study) for study in studies if study.rep.synthesis])
    estimate = _estimate(j)
    rows = (  # in DOMAINS order
        _start_row(j, parts["first"], parts["designs"], deciding),
        _risk_row(j, risks, whys, deciding),
        _inconsistency_row(j, pooled, whys, deciding),
        _indirectness_row(j, whys),
        _imprecision_row(j, estimate, whys),
        _publication_row(j, whys),
        _up_row(j, whys),
    )
    caps, overlaps = parts["caps"], parts["overlaps"]
    return Profile(  # by position, in field order (evidence/rubrics/profile.py)
        rows,
        parts["counted_once"],
        parts["not_counted"],
        tuple([_other_way_sentence(study) for study in j.other_way]) if j.other_way else (),
        j.provisional,
        deciding,
        risks,
        pooled,
        estimate,
        tuple(
            [
                Cap(kind, LEVEL_NAMES[at_most], labels(studies), on, text[0].upper() + text[1:])
                for kind, at_most, studies, on, text in caps
            ]
        )
        if caps
        else (),
        tuple([Overlap(*overlap) for overlap in overlaps]) if overlaps else (),
        parts["notes"],
    )


def _start_kind(study) -> str:
    item, start = study.rep.item, study.rep.start
    if start == 4:
        if item.design == "animal":
            return "randomised_animal"
        return "prognostic" if item.design in ("cohort", "meta_analysis_obs") else "randomised"
    if start == 1:
        return "case_series"
    return "laboratory" if item.design in ("animal", "in_vitro") else "observational"


def _start_row(j, first: int, designs: str, deciding: tuple) -> DomainRow:
    if len(j.deciding) == 1:
        footnote = START_FOOTNOTES[_start_kind(j.deciding[0])]
    else:
        kinds = dict.fromkeys([_start_kind(study) for study in j.deciding])
        footnote = " ".join([START_FOOTNOTES[kind] for kind in kinds])
    footnote = f"The deciding evidence: {designs}. {footnote}"
    return DomainRow("start", first, f"Starts {LEVEL_WORDS[first]}", deciding, footnote)


def study_risk(study) -> StudyRisk:
    item = study.rep.item
    concern = item.record == "expression_of_concern" and item.risk_of_bias != "critical"
    judgement = study.rep.risk
    if concern:
        text = "high (the journal published an expression of concern)"
    elif judgement == "not_assessed":
        text = "Not assessed (provisional)"
    else:
        words = RISK_WORDS[judgement]
        text = f"{words} ({item.rob_tool})" if item.rob_tool else words
    return StudyRisk(study.label, judgement, item.rob_tool, text, concern)


def _risk_row(j, risks, whys, deciding: tuple) -> DomainRow:
    result = j.domains["risk_of_bias"]
    if len(risks) == 1:
        detail = f"{risks[0].study}: {risks[0].text}"
    else:
        detail = "; ".join([f"{risk.study}: {risk.text}" for risk in risks])
    if result.why == "not_assessed":
        footnote = (
            f"Nobody has assessed the risk of bias of the deciding studies yet ({detail}); the"
            " grade is provisional."
        )
        return DomainRow("risk_of_bias", 0, "Not assessed", deciding, footnote)
    if not result.change:
        footnote = f"Per study: {detail}."
        if j.provisional:
            footnote += " Some studies are not assessed yet; the grade is provisional."
        return DomainRow("risk_of_bias", 0, SEVERITY[0], deciding, footnote)
    footnote = f"Risk of bias is {whys['risk_of_bias']}. Per study: {detail}."
    return DomainRow(
        "risk_of_bias", result.change, SEVERITY[result.change], labels(result.studies), footnote
    )


def _heterogeneity(study) -> Heterogeneity:
    item = study.rep.item
    return Heterogeneity(
        study.label,
        item.i_squared,
        item.same_direction,
        heterogeneity(item),
        heterogeneity_text(item),
    )


def _inconsistency_row(j, pooled, whys, deciding: tuple) -> DomainRow:
    result = j.domains["inconsistency"]
    if result.why == "one_study":
        return ONE_STUDY_ROW
    if result.why == "not_assessed":
        footnote = (
            f"Neither the spread of the studies pooled in {j.deciding[0].label} nor their"
            " directions are reported."
        )
        return DomainRow("inconsistency", 0, "Not assessed", deciding, footnote)
    if not result.change:
        footnote = "The deciding results are compatible with one another."
        if pooled:
            footnote += " " + "; ".join([f"{h.study}: {h.text}" for h in pooled]) + "."
        return DomainRow("inconsistency", 0, SEVERITY[0], deciding, footnote)
    why = whys["inconsistency"]
    return DomainRow(
        "inconsistency",
        result.change,
        SEVERITY[result.change],
        labels(result.studies),
        why[0].upper() + why[1:] + ".",
    )


def _indirectness_row(j, whys) -> DomainRow:
    result = j.domains["indirectness"]
    if not result.change:
        return DIRECT_ROW
    footnote = (
        f"The deciding evidence answers a different question from the claim:"
        f" {whys['indirectness']}."
    )
    severity = SEVERITY[max(-2, result.change)]
    return DomainRow("indirectness", result.change, severity, labels(result.studies), footnote)


def _estimate(j) -> Estimate | None:
    result = j.domains["imprecision"]
    d = result.detail
    if "source" not in d:
        return None
    study = d["study"]
    return Estimate(  # by position (faster), in field order: source, study, measure, value,
        # ci_low, ci_high, ci_source, mid, thresholds, regions, twice, ois, total_size, change, text
        d["source"],
        study.label if study is not None else "",
        d["measure"],
        d["value"],
        d["low"],
        d["high"],
        d["ci_source"],
        d["mid"],
        d["bounds"],
        d["regions"],
        d["twice"],
        d["ois"],
        d["total"],
        result.change,
        estimate_text(d),
    )


def estimate_text(d) -> str:
    what = "the pooled estimate"
    if d["source"] != "pooled":
        what = f"the estimate of {d['study'].label}"
    derived = ", derived from a P value" if d["ci_source"] == "derived" else ""
    value = f"{d['value']:,g}, " if d["value"] is not None else ""
    text = f"Judged on {what} ({value}95% CI {d['low']:,g} to {d['high']:,g}{derived})"
    bounds = d["bounds"]
    if bounds is not None:
        source = "the MID" if d["mid"] is not None else "the default for ratios"
        regions = ", ".join([REGION_WORDS[r] for r in d["regions"]])
        text += (
            f"; thresholds of an important effect {bounds[0]:,g} and {bounds[1]:,g}"
            f" ({source}); the interval spans {regions}"
        )
        if d["twice"]:
            text += ", reaching twice the thresholds both ways"
    else:
        text += "; no minimal important difference is set, so only no effect is checked"
    if d["ois"] is not None:
        text += f"; {number(d['total'])} studied in all (at least {d['ois']} wanted)"
    return text + "."


def _imprecision_row(j, estimate, whys) -> DomainRow:
    result = j.domains["imprecision"]
    studies = labels(result.studies) if result.studies else ()
    if estimate is not None:
        footnote = estimate.text
    elif result.why == "laboratory_no_ci":
        footnote = (
            "Not assessable (no confidence interval): laboratory or animal results without a"
            " confidence interval; the grade is at most low."
        )
        return DomainRow("imprecision", 0, "Not assessable", studies, footnote)
    elif result.change:
        why = whys["imprecision"]
        footnote = why[0].upper() + why[1:] + "."
    else:  # no CI, every size known and at least 400
        footnote = f"No confidence interval, but {number(result.detail['total'])} studied in all."
    return DomainRow("imprecision", result.change, SEVERITY[result.change], studies, footnote)


def _publication_row(j, whys) -> DomainRow:
    result = j.domains["publication_bias"]
    if result.why == "not_detected":
        footnote = f"{names(result.studies)} looked for small-study effects and found none."
        return DomainRow("publication_bias", 0, "Not detected", labels(result.studies), footnote)
    if not result.change:
        return PUBLICATION_NOT_ASSESSED_ROW
    why = whys["publication_bias"]
    footnote = why[0].upper() + why[1:] + "; studies with other results may be missing."
    return DomainRow("publication_bias", -1, "Suspected", labels(result.studies), footnote)


def _up_row(j, whys) -> DomainRow:
    result = j.domains["rating_up"]
    if not result.change:
        return NOT_RATED_UP_ROW
    words = whys["rating_up"]
    footnote = f"Rated up: {words}; an effect this clear is hard to explain by bias alone."
    return DomainRow(
        "rating_up", result.change, f"Up {result.change}: {words}", labels(result.studies), footnote
    )


def _other_way_sentence(study) -> str:
    return (
        f"{described(study.rep.item)} {FINDING_WORDS[study.finding]}, at a lower certainty than"
        f" the deciding evidence ({LEVEL_WORDS[study.level]})."
    )
