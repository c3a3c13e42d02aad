"""grade-3, steps 3 and 4: counted items join into studies, per comparison, and each item and
study gets its finding.

Items join (transitively) only when their comparison keys are equal and they share a
reference, one pools the other (`covers`), or their pools overlap. A synthesis of unknown
contents is never merged on presumed overlap: it is flagged ("X may include Y"). A finding is
`for`, `against`, `null` or `mixed` the claim, from the CI when there is one and the claim
says which way it points, else from the stance.
"""

from __future__ import annotations

from evidence.rubrics.grade3.inputs import (
    AGAINST,
    FAMILIES,
    FOR,
    META_ANALYSES,
    MIXED,
    NULL,
    RATIO_THRESHOLDS,
    VERY_LOW,
    ClaimFacts,
    ItemFacts,
    indirectness,
    read_cap,
    species_rank,
    start_level,
)


def thresholds(claim: ClaimFacts, measure: str) -> tuple[float, float] | None:
    """The thresholds of an important effect on `measure`: the claim's MID when it is on that
    scale, else (0.75, 1.25) for ratios, else none."""
    mid = claim.mid
    if mid is not None and claim.mid_scale == measure:
        return (1 / mid, mid) if measure == "ratio" else (-mid, mid)
    return RATIO_THRESHOLDS if measure == "ratio" else None


def ci_finding(claim: ClaimFacts, measure: str, low: float, high: float, bounds=False) -> str:
    """The finding of a CI on a claim that says which way it points (step 4). `bounds` are
    the claim's thresholds for `measure` when the caller has them."""
    no_effect = 1.0 if measure == "ratio" else 0.0
    if low <= no_effect <= high:
        return NULL
    if bounds is False:
        bounds = thresholds(claim, measure)
    if bounds is not None and bounds[0] < low and high < bounds[1]:
        return NULL
    claimed = claim.claimed_direction
    if claimed == "either":
        return FOR
    if claimed == "none":
        return AGAINST
    above = low > no_effect
    return FOR if above == (claimed == "increase") else AGAINST


STANCE_FINDINGS = {"supports": FOR, "contradicts": AGAINST, "no_effect": NULL, "mixed": MIXED}


def item_finding(claim: ClaimFacts, item: ItemFacts, bounds=False) -> str:
    """An item's finding; `bounds` as for `ci_finding`."""
    claimed = claim.claimed_direction
    if item.ci_low is not None and claimed != "unspecified":
        return ci_finding(claim, item.effect_measure, item.ci_low, item.ci_high, bounds)
    if claimed == "none" and item.stance == "supports":
        return NULL
    return STANCE_FINDINGS[item.stance]


def claim_thresholds(claim: ClaimFacts) -> dict:
    """The claim's thresholds by measure, computed once per grading."""
    return {"ratio": thresholds(claim, "ratio"), "difference": thresholds(claim, "difference")}


class Scored:
    """A counted item with what steps 2 and 4 compute for it."""

    __slots__ = (
        "item",
        "index",
        "key",
        "comparison",
        "start",
        "species",
        "indirect",
        "uncapped",
        "level",
        "synthesis",
        "family",
        "finding",
        "risk",
    )

    def __init__(self, claim: ClaimFacts, item: ItemFacts, index: int, bounds: dict | None = None):
        self.item = item
        self.index = index
        self.key = item.citekey or item.label
        self.comparison = item.comparison.strip().casefold() if item.comparison else ""
        self.start = start = start_level(claim, item)
        self.species = species = species_rank(claim, item)
        self.indirect = indirect = indirectness(claim, item, species)
        level = start - indirect
        self.uncapped = uncapped = level if level > VERY_LOW else VERY_LOW
        cap = read_cap(item)
        self.level = cap if cap < uncapped else uncapped
        design = item.design
        self.synthesis = design in META_ANALYSES or item.via != "direct"
        self.family = FAMILIES[design]
        bounds = bounds[item.effect_measure] if bounds is not None else False
        self.finding = item_finding(claim, item, bounds)
        risk = item.risk_of_bias
        if item.record == "expression_of_concern" and risk != "critical":
            risk = "high"  # an expression of concern counts as high risk of bias
        self.risk = risk


class Study:
    """Items counted as one study: level, representative (`rep`), finding, label, joins."""

    __slots__ = ("members", "level", "rep", "finding", "joins", "label")

    def __init__(self, members: list, level: int, rep: Scored, finding: str, joins: list):
        self.members = members  # Scored, in input order
        self.level = level
        self.rep = rep
        self.finding = finding
        self.joins = joins  # (kind, a, b): the joins that made it one study
        self.label = rep.item.name


def join_kind(a: Scored, b: Scored) -> str:
    """Why `a` and `b` are one study ('' when they are not): docs/grading.md, step 3."""
    if a.comparison != b.comparison:
        return ""
    x, y = a.item, b.item
    if a.key == b.key:
        return "same_reference"
    if a.key in y.covers or b.key in x.covers:
        return "pools"
    if not set(x.covers).isdisjoint(y.covers):
        return "overlap"
    return ""


def studies_of(scored: list) -> list:
    """Join counted items into studies (transitively); each study in first-member order.

    Items of one comparison join exactly when their references and pooled references
    intersect, so each item is joined to the first item that named one of its references.
    """
    parent = list(range(len(scored)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    joins = []
    for j, b in enumerate(scored):
        for key in (b.key, *b.item.covers):
            i = first.setdefault((b.comparison, key), j)
            if i == j:
                continue
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
                joins.append((join_kind(scored[i], b), scored[i], b))
    if not joins:  # every item is a study of its own
        return [Study([member], member.level, member, member.finding, []) for member in scored]
    groups: dict[int, list] = {}
    for member in scored:
        groups.setdefault(root(member.index), []).append(member)
    by_group: dict[int, list] = {key: [] for key in groups}
    for join in joins:
        by_group[root(join[1].index)].append(join)
    return [_study(members, by_group[key]) for key, members in groups.items()]


def _study(members: list, joins: list) -> Study:
    if len(members) == 1:
        (only,) = members
        return Study(members, only.level, only, only.finding, joins)
    level = max([member.level for member in members])
    rep = min([m for m in members if m.level == level], key=_representative_order)
    own = {member.finding for member in members if member.key == rep.key}
    finding = rep.finding
    if MIXED in own or (FOR in own and AGAINST in own):
        finding = MIXED
    return Study(members, level, rep, finding, joins)


def _representative_order(member: Scored):
    item = member.item
    return (
        item.sample_size is None,
        -(item.sample_size or 0),
        not member.synthesis,
        item.year is None,
        -(item.year or 0),
        item.label,
        member.index,
    )


def possible_overlaps(scored: list, studies: list) -> list[tuple[Scored, Scored]]:
    """(review, other) pairs: a synthesis of unknown contents and an item of another study of
    the same comparison and design family that it may include (a synthesis, or not newer;
    unknown years count). Flagged for the curator, never merged. Each review reads only the
    items of its own comparison and family (in `scored` order), not every item."""
    reviews = [member for member in scored if member.synthesis and not member.item.covers]
    if not reviews:
        return []
    study_of = {id(member): n for n, study in enumerate(studies) for member in study.members}
    alike: dict[tuple[str, str], list] = {}
    for member in scored:
        alike.setdefault((member.comparison, member.family), []).append(member)
    pairs = []
    for review in reviews:
        year, study = review.item.year, study_of[id(review)]
        for other in alike[review.comparison, review.family]:
            if other is review or study_of[id(other)] == study:
                continue
            other_year = other.item.year
            if other.synthesis or year is None or other_year is None or other_year <= year:
                pairs.append((review, other))
    return pairs
