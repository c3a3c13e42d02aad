"""grade-2's step 3 finds the pairs that join through shared keys: the same studies, joins
and representatives as trying every pair of items (the rule as first written)."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.rubrics.grade2 import partition
from evidence.rubrics.grade2.studies import Scored, _study, join_kind, studies_of
from tests.evidence.test_grade2 import random_claim, random_item

seeds = st.integers(min_value=0, max_value=2**32).map(random.Random)


def studies_of_every_pair(scored: list) -> list:
    """Step 3 as first written: `join_kind` on all n(n-1)/2 pairs, in order."""
    parent = list(range(len(scored)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    joins = []
    for i, a in enumerate(scored):
        for b in scored[i + 1 :]:
            kind = join_kind(a, b)
            if kind and root(a.index) != root(b.index):
                ra, rb = root(a.index), root(b.index)
                parent[max(ra, rb)] = min(ra, rb)
                joins.append((kind, a, b))
    groups: dict[int, list] = {}
    for member in scored:
        groups.setdefault(root(member.index), []).append(member)
    by_group: dict[int, list] = {key: [] for key in groups}
    for kind, a, b in joins:
        by_group[root(a.index)].append((kind, a, b))
    return [_study(members, by_group[key]) for key, members in groups.items()]


def shape(studies) -> list:
    return [
        (
            [member.index for member in study.members],
            study.level,
            study.rep.index,
            study.stance,
            [(kind, a.index, b.index) for kind, a, b in study.joins],
        )
        for study in studies
    ]


def random_scored(rng: random.Random) -> list:
    """Up to 60 counted items whose citekeys and pooled references come from a pool of 1 to
    40 keys: from one paper's many results to many papers, with reviews pooling some."""
    keys = [f"k{n}" for n in range(rng.randint(1, 40))]
    items = [
        random_item(
            rng,
            citekey=rng.choice(keys),
            covers=tuple(rng.sample(keys, min(len(keys), rng.choice([0, 0, 0, 1, 2, 3])))),
        )
        for _ in range(rng.randint(0, 60))
    ]
    counted, _ = partition(tuple(items))
    claim = random_claim(rng)
    return [Scored(claim, item, index) for index, item in enumerate(counted)]


@settings(max_examples=500, deadline=None)
@given(seeds)
def test_studies_are_those_of_trying_every_pair(rng):
    scored = random_scored(rng)
    assert shape(studies_of(scored)) == shape(studies_of_every_pair(scored))


def test_two_hundred_results_of_one_paper_are_one_study():
    rng = random.Random(15)
    claim = random_claim(rng)
    items = [random_item(rng, citekey="one", covers=(), design="rct") for _ in range(200)]
    scored = [Scored(claim, item, index) for index, item in enumerate(items)]
    (study,) = studies_of(scored)
    assert len(study.members) == 200
    assert shape([study]) == shape(studies_of_every_pair(scored))
