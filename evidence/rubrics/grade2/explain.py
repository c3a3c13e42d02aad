"""grade-2, step 7: plain words for a judgement, its reasons and its GRADE evidence profile.

Pure. Reads the `Judgement` of `evidence.rubrics.grade2` (duck-typed, so this module imports
no engine code) and writes for a lay reader: designs are spelled out ("randomised controlled
trial", never `rct`), each domain says what moved the grade and which studies are behind it.
The words are `grade2.words`, each domain's row and reason `grade2.rows`.
"""

from __future__ import annotations

from evidence.rubrics.grade2.rows import down_row, publication_row, up_row
from evidence.rubrics.grade2.words import (  # noqa: F401 - re-exported: grade-3, tests name them here
    ASSOCIATION_FOOTNOTE,
    DESCRIPTIONS,
    DESIGN_WORDS,
    DOMAIN_WORDS,
    FAMILY_WORDS,
    NOT_COUNTED_WORDS,
    POPULATION_WORDS,
    RISK_WORDS,
    SEVERITY,
    STANCE_WORDS,
    START_FOOTNOTES,
    UP_WORDS,
    VIA_WORDS,
    described,
    design_words,
    labels,
    names,
    number,
    sentence,
)
from evidence.rubrics.levels import LEVEL_WORDS
from evidence.rubrics.profile import DOMAINS, DomainRow, Profile

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
        rows[domain], reason = down_row(j, domain)
        reasons += [reason] if reason else []
    rows["publication_bias"], reason = publication_row(j)
    reasons += [reason] if reason else []
    rows["rating_up"], reason = up_row(j)
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
