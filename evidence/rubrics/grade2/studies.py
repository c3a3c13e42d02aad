"""grade-2, step 3: counted items join into studies, so nothing counts twice.

Items join when they share a reference, when one pools the other (`covers`), when their
pools overlap, or when one is a synthesis of unknown contents and the other is of its design
family and not newer; joining is transitive. A study's level is its items' highest; its
representative is, at that level, the largest, then a synthesis, then the latest, then the
label, then the first entered; its stance is the common stance of one paper's results
(mixed when they differ), else the representative's.
"""

from __future__ import annotations

from evidence.rubrics.grade2.inputs import (
    FAMILIES,
    VERY_LOW,
    ClaimFacts,
    ItemFacts,
    indirectness,
    species_penalty,
    start_level,
)


class Scored:
    """A counted item with what step 2 computes for it."""

    __slots__ = (
        "item",
        "index",
        "start",
        "species",
        "indirect",
        "level",
        "synthesis",
        "family",
        "covers",
    )

    def __init__(self, claim: ClaimFacts, item: ItemFacts, index: int):
        self.item = item
        self.index = index
        self.start = start_level(claim, item)
        self.species = species_penalty(claim, item)
        self.indirect = indirectness(claim, item, self.species)
        level = self.start - self.indirect
        self.level = level if level > VERY_LOW else VERY_LOW
        self.synthesis = item.is_synthesis
        self.family = FAMILIES[item.design]
        self.covers = frozenset(item.covers)


class Study:
    """Items counted as one study: its level, representative (`rep`), stance and label."""

    __slots__ = ("members", "level", "rep", "stance", "joins", "label")

    def __init__(self, members: list, level: int, rep: Scored, stance: str, joins: list):
        self.members = members  # Scored, in input order
        self.level = level
        self.rep = rep
        self.stance = stance
        self.joins = joins  # (kind, a Scored, b Scored): the joins that made it one study
        self.label = rep.item.name


def join_kind(a: Scored, b: Scored) -> str:
    """Why `a` and `b` are one study ('' when they are not): docs/grading.md, step 3."""
    x, y = a.item, b.item
    if x.citekey == y.citekey:
        return "same_reference"
    if x.citekey in b.covers or y.citekey in a.covers:
        return "pools"
    if not a.covers.isdisjoint(b.covers):
        return "overlap"
    if a.family == b.family and (_may_include(a, b) or _may_include(b, a)):
        return "may_include"
    return ""


def _may_include(review: Scored, other: Scored) -> bool:
    """A synthesis of unknown contents may include `other` of its design family."""
    if not review.synthesis or review.item.covers or review.family != other.family:
        return False
    if other.synthesis:
        return True
    year, other_year = review.item.year, other.item.year
    return year is None or other_year is None or other_year <= year


def studies_of(scored: list) -> list:
    """Join counted items into studies (transitively); each study in first-member order."""
    parent = list(range(len(scored)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    joins = []
    for i, j in candidate_pairs(scored):
        a, b = scored[i], scored[j]
        kind = join_kind(a, b)
        if kind:
            ra, rb = root(a.index), root(b.index)
            if ra != rb:  # the joins that merged two studies explain every study
                parent[max(ra, rb)] = min(ra, rb)
                joins.append((kind, a, b))
    groups: dict[int, list] = {}
    for member in scored:
        groups.setdefault(root(member.index), []).append(member)
    by_group: dict[int, list] = {key: [] for key in groups}
    for kind, a, b in joins:
        by_group[root(a.index)].append((kind, a, b))
    return [_study(members, by_group[key]) for key, members in groups.items()]


def candidate_pairs(scored: list) -> list[tuple[int, int]]:
    """The pairs of positions (i, j), i < j, that may join, in the order `studies_of` tries
    them: the order of trying every pair, without trying the n(n-1)/2 of them.

    Every item that is of reference K or pools K joins every other such item (same
    reference, pools, overlap), so each is paired with the first of them only: in this
    order that pair comes before any pair of two later ones, which the first has already
    joined. A synthesis of unknown contents is paired with every item of its design family.
    """
    first: dict[str, int] = {}
    families: dict[str, list[int]] = {}
    pairs = set()
    for j, b in enumerate(scored):
        for key in (b.item.citekey, *b.covers):
            i = first.setdefault(key, j)
            if i != j:
                pairs.add((i, j))
        families.setdefault(b.family, []).append(j)
    for i, a in enumerate(scored):
        if a.synthesis and not a.covers:
            pairs.update((min(i, j), max(i, j)) for j in families[a.family] if j != i)
    return sorted(pairs)


def _study(members: list, joins: list) -> Study:
    if len(members) == 1:
        (only,) = members
        return Study(members, only.level, only, only.item.stance, joins)
    level = max(member.level for member in members)
    rep = min((m for m in members if m.level == level), key=_representative_order)
    citekeys = {member.item.citekey for member in members}
    if len(citekeys) == 1:
        stances = {member.item.stance for member in members}
        stance = stances.pop() if len(stances) == 1 else "mixed"
    else:
        stance = rep.item.stance
    return Study(members, level, rep, stance, joins)


def _representative_order(member: Scored):
    item = member.item
    return (
        item.sample_size is None,
        -(item.sample_size or 0),
        not member.synthesis,
        item.year is None,
        -(item.year or 0),
        item.label,
    )
