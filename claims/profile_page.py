"""The evidence profile as a reader sees it: the engine's `Profile` (evidence.rubrics.profile)
laid out row by row, saying only what was judged.

Terms:
- *deciding studies*: the studies at the top of the evidence that set the grade (grade-3's
  `Profile.deciding`; for grade-2, the studies of its "start" row). List pages count these
  ("2 studies decide"), never evidence items.
- *estimate*: what imprecision was judged on (grade-3's `Estimate`): the pooled estimate or one
  study's, its confidence interval (labelled "derived from a P value" when it was), the
  minimal important difference, the thresholds, the regions the interval touches and the
  optimal information size.

Rows never state a judgement the rubric did not make: a publication-bias row that was not
assessed reads "Not assessed" (grade-2's steady "Not suspected" included), and one study's
inconsistency reads "Not applicable (one study)".
"""

import re
from dataclasses import dataclass

from claims.forest import number
from evidence.models import Design
from evidence.rubrics.profile import DOMAIN_TITLES

# Design codes that are not English words; a reader sees the model's label instead.
DESIGN_LABELS = {value: label for value, label in Design.choices if "_" in value or value == "rct"}
DESIGN_CODE = re.compile(r"\b(" + "|".join(sorted(DESIGN_LABELS, key=len, reverse=True)) + r")\b")
START_NAMES = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
LEVEL_NAMES = {"high": "high", "moderate": "moderate", "low": "low", "very_low": "very low"}

NOT_ASSESSED = "Not assessed"
PUBLICATION_NOT_ASSESSED = (
    "Nobody has assessed whether studies with other results went unpublished."
)
ONE_STUDY = "Not applicable (one study)"
ONE_STUDY_FOOTNOTE = "One study cannot disagree with itself."
# Judgements no page may state: a publication-bias verdict nobody reached.
UNJUDGED = {"publication_bias": {"not suspected"}}
REGION_WORDS = {
    "important_low": "an important effect below",
    "trivial": "a trivial effect or none",
    "important_high": "an important effect above",
}
DERIVED_FROM_P = "derived from a P value"
DERIVED = "derived by the curator, not reported"
P_VALUE = re.compile(r"\bP\s*[=<>≤]", re.IGNORECASE)


@dataclass(frozen=True)
class ProfileRow:
    """One domain of the evidence profile, ready to print."""

    domain: str  # "risk_of_bias": the anchor of its explanation on the methodology page
    name: str  # "Risk of bias"
    change: str  # "Starts high", "Down 1 level", "Up 2 levels", "No change"
    effect: str  # "start", "down", "up", "none": the CSS class of the change
    judgement: str  # "" when it would only repeat the change ("Starts high")
    studies: tuple[str, ...]
    footnote: str
    details: tuple[str, ...] = ()  # per study risk of bias, I², the estimate used...


@dataclass(frozen=True)
class EvidenceProfile:
    rows: tuple[ProfileRow, ...]
    counted_once: tuple[str, ...]
    not_counted: tuple[str, ...]
    other_way: tuple[str, ...]
    deciding: tuple[str, ...] = ()
    caps: tuple[str, ...] = ()
    overlaps: tuple[str, ...] = ()
    provisional: bool = False


def spelled_out(text: str) -> str:
    """'Starts high: rct (Smith 2020)' -> 'Starts high: randomised controlled trial (...)'."""
    return DESIGN_CODE.sub(lambda m: lower_first(DESIGN_LABELS[m.group(1)]), text)


def lower_first(label: str) -> str:
    return label[0].lower() + label[1:]


def change_text(domain: str, change: int) -> tuple[str, str]:
    """(words, CSS class) for what a domain did to the level."""
    if domain == "start":
        return f"Starts {START_NAMES.get(change, 'unknown')}", "start"
    if change == 0:
        return "No change", "none"
    levels = "level" if abs(change) == 1 else "levels"
    return (f"Down {-change} {levels}", "down") if change < 0 else (f"Up {change} {levels}", "up")


def deciding_studies(profile) -> tuple[str, ...]:
    """Labels of the studies that decide a grade: grade-3 names them, grade-2's start row
    lists them; () without a profile."""
    if profile is None:
        return ()
    if profile.deciding:
        return tuple(profile.deciding)
    start = profile.row("start")
    return tuple(start.studies) if start else ()


def judged(row, deciding: tuple[str, ...]) -> tuple[str, str]:
    """(judgement, footnote) of an engine row, with unjudged verdicts replaced by what is true."""
    judgement, footnote = row.judgement, row.footnote
    if judgement.casefold() in UNJUDGED.get(row.domain, set()):
        return NOT_ASSESSED, PUBLICATION_NOT_ASSESSED
    if row.domain == "inconsistency" and row.change == 0 and len(deciding) == 1:
        return ONE_STUDY, ONE_STUDY_FOOTNOTE
    return judgement, footnote


def ci_label(ci_source: str, derivation: str = "") -> str:
    """'' for a reported interval; 'derived from a P value' when its derivation names one;
    else 'derived by the curator, not reported'."""
    if ci_source != "derived":
        return ""
    return DERIVED_FROM_P if P_VALUE.search(derivation) else DERIVED


def estimate_details(estimate, derivations: dict[str, str]) -> tuple[str, ...]:
    """The estimate imprecision was judged on, as short lines a reader can check by hand.
    `derivations`: how each study's derived interval was obtained, by study label."""
    if estimate is None:
        return ()
    which = "Pooled estimate" if estimate.source == "pooled" else f"Estimate from {estimate.study}"
    ci = f"95% CI {number(estimate.ci_low)} to {number(estimate.ci_high)}"
    label = ci_label(estimate.ci_source, derivations.get(estimate.study, ""))
    if label:
        ci += f", {label}"
    value = f"{number(estimate.value)} " if estimate.value is not None else ""
    lines = [f"{which}: {value}({ci})"]
    if estimate.thresholds:
        lower, upper = estimate.thresholds
        thresholds = f"thresholds {number(lower)} and {number(upper)}"
        if estimate.mid:
            thresholds = f"Minimal important difference {number(estimate.mid)}; {thresholds}"
        lines.append(thresholds[0].upper() + thresholds[1:])
    if estimate.regions:
        regions = "; ".join(REGION_WORDS.get(region, region) for region in estimate.regions)
        twice = ", and twice the thresholds both ways" if estimate.twice else ""
        lines.append(f"The interval touches {len(estimate.regions)} of 3 regions: {regions}{twice}")
    if estimate.ois:
        total = f"{estimate.total_size:,}" if estimate.total_size is not None else "unknown"
        lines.append(f"Optimal information size {estimate.ois:,}; studied: {total}")
    return tuple(lines)


def row_details(row, profile, derivations: dict[str, str]) -> tuple[str, ...]:
    """What a row's footnote does not already say: each deciding study's risk of bias with its
    tool, each synthesis's I² and direction, the estimate imprecision was judged on."""
    if row.domain == "risk_of_bias":
        return tuple(f"{r.study}: {r.text}" for r in profile.risks if r.text not in row.footnote)
    if row.domain == "inconsistency":
        return tuple(
            f"{h.study}: {h.text}" for h in profile.heterogeneity if h.text not in row.footnote
        )
    if row.domain == "imprecision" and profile.estimate is not None:
        lines = estimate_details(profile.estimate, derivations)
        told = profile.estimate.text and profile.estimate.text.rstrip(".") in row.footnote
        return tuple(line for line in lines if line.startswith("Optimal")) if told else lines
    return ()


def profile_rows(profile, derivations: dict[str, str]) -> tuple[ProfileRow, ...]:
    """The engine's `DomainRow`s in the order of the rubric steps, in a reader's words."""
    order = list(DOMAIN_TITLES)
    ranked = sorted(
        profile.rows, key=lambda row: order.index(row.domain) if row.domain in order else 99
    )
    deciding = deciding_studies(profile)
    result = []
    for row in ranked:
        change, effect = change_text(row.domain, row.change)
        judgement, footnote = judged(row, deciding)
        judgement = spelled_out(judgement)
        result.append(
            ProfileRow(
                domain=row.domain,
                name=DOMAIN_TITLES.get(row.domain, row.domain.replace("_", " ").capitalize()),
                change=change,
                effect=effect,
                judgement="" if judgement.casefold() == change.casefold() else judgement,
                studies=tuple(row.studies),
                footnote=spelled_out(footnote),
                details=tuple(spelled_out(text) for text in row_details(row, profile, derivations)),
            )
        )
    return tuple(result)


def evidence_profile(profile, derivations: dict[str, str] | None = None) -> EvidenceProfile | None:
    """What a reader sees of the engine's `Profile` (None stays None). `derivations`: how
    each derived confidence interval was obtained, by study label (`ci_label`)."""
    if profile is None:
        return None
    return EvidenceProfile(
        rows=profile_rows(profile, derivations or {}),
        counted_once=tuple(spelled_out(text) for text in profile.counted_once),
        not_counted=tuple(spelled_out(text) for text in profile.not_counted),
        other_way=tuple(spelled_out(text) for text in profile.other_way),
        deciding=deciding_studies(profile),
        caps=tuple(cap_text(cap) for cap in profile.caps),
        overlaps=tuple(
            spelled_out(text) for text in dict.fromkeys(grouped_overlaps(profile.overlaps).values())
        ),
        provisional=profile.provisional,
    )


def grouped_overlaps(overlaps) -> dict[str, str]:
    """The engine's "may include" flags (`Overlap`s, one per pair) as one sentence per review,
    by each pair's own text: 'X may include A, B and C; check X's included studies'. A review
    of unknown contents may include every older study of its comparison: one flag per pair is
    quadratic in a claim's size, a sentence per review is not, and names every pair all the
    same. A review with one such pair keeps the engine's sentence."""
    others: dict[str, list[str]] = {}
    for overlap in overlaps:
        others.setdefault(overlap.review, []).append(overlap.other)
    sentences = {review: overlap_sentence(review, names) for review, names in others.items()}
    return {overlap.text: sentences[overlap.review] for overlap in overlaps}


def overlap_sentence(review: str, others: list[str]) -> str:
    listed = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
    return f"{review} may include {listed}; check {review}'s included studies"


def reader_reasons(reasons, profile) -> list[str]:
    """A stored grade's reasons as a reader sees them: design codes spelled out, and the
    "may include" flags of `profile` (the engine's, recomputed) one sentence per review,
    where the review's first flag was (`grouped_overlaps`)."""
    grouped = grouped_overlaps(profile.overlaps) if profile is not None else {}
    shown, seen = [], set()
    for reason in reasons:
        if reason in grouped:
            reason = grouped[reason]
            if reason in seen:
                continue
            seen.add(reason)
        shown.append(spelled_out(reason))
    return shown


def cap_text(cap) -> str:
    """ "At most low: ... (Rickard 2008); it lowered the grade.", or that it did not."""
    text = spelled_out(cap.text)
    text = text[0].upper() + text[1:]
    return (
        f"{text}; it lowered the grade."
        if cap.applied
        else f"{text}; it does not lower this grade."
    )
