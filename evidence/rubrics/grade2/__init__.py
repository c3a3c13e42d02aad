"""Rubric `grade-2`: GRADE, faithful. A claim's evidence in, a `Grade` with its profile out.

Pure (no ORM, no Django): plain `ClaimFacts` and `ItemFacts` in, a `Grade` out. The steps are
those of docs/grading.md, "The steps":

0. A background claim is not graded.
1. Counted items test the claim (supports, contradicts, no_effect, mixed) with a primary
   design, from a record that is neither retracted nor not found and was read beyond its
   citation. None: insufficient.
2. Item level = start by design (cohorts and meta-analyses of them start high for an
   association claim) minus indirectness (species, population, intervention, outcome,
   comparator; at most 3), never below very low.
3. Items join into studies so nothing counts twice (same reference, one pools the other,
   overlapping pools, a review with unknown contents and older studies of its design family);
   joining is transitive. A study has a level, a representative and a stance.
4. The deciding set D: the studies at the top level whose representative has the smallest
   species penalty; weights are sample sizes when all are known, else 1 each.
5. Risk of bias, inconsistency, imprecision and publication bias rate down, large effects,
   dose-response and confounding rate up; the level is clamped to very low..high and capped
   at low when a deciding record is unverified.
6. The direction is weighed within D.
7. Reasons and the evidence profile in plain words.

The package: `inputs` (vocabulary, ClaimFacts, ItemFacts, steps 1 and 2), `studies` (step 3),
`domains` (steps 4 to 6), `explain` (step 7, wording); this module ties them together.

Decisions the rubric's text (docs/grading.md) leaves open, made here:
- Only counted items join into studies: an item that is not counted (mentions, retracted,
  citation only...) can never merge or split counted studies.
- The population match counts like the other matches: direct 0, related 1, remote 2.
- The representative's last tie-break after the label is the order the items came in.
- "A ratio with both CI ends excluding 1" means the whole interval lies on one side of 1;
  large effects, dose-response and confounding may come from any representative in D, and
  the largest large-effect step counts once.
- "More than half of them industry-funded" counts studies (representatives), not weights;
  `mixed` funding is not industry funding.
- The unverified cap looks at D's representatives only (the records the grade rests on).
- "Points the other way": for a supported claim the counted studies outside D that are
  against it (contradicts, no_effect), for a contradicted one those that support it; a
  contested claim has no other way. Mixed studies point no way.
- An empty label reads as the citekey, or "an unlabelled item".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evidence.rubrics.grade2 import explain
from evidence.rubrics.grade2.domains import (
    Domain as Domain,
)
from evidence.rubrics.grade2.domains import (
    deciding_set,
    direction_of,
    imprecision,
    inconsistency,
    indirectness_domain,
    points_other_way,
    publication_bias,
    rating_up,
    risk_of_bias,
    weights_of,
)
from evidence.rubrics.grade2.inputs import *  # noqa: F403 - the vocabulary is the interface
from evidence.rubrics.grade2.inputs import (
    HIGH,
    INSUFFICIENT,
    LEVEL_NAMES,
    LOW,
    NONE,
    NOT_GRADED,
    RUBRIC,
    VERY_LOW,
    ClaimFacts,
    ItemFacts,
    why_not_counted,
)
from evidence.rubrics.grade2.studies import Scored, studies_of
from evidence.rubrics.grade2.studies import Study as Study
from evidence.rubrics.profile import Grade


@dataclass
class Judgement:
    """Everything the steps decided, for the grade and its explanation."""

    claim: ClaimFacts
    items: tuple
    counted: list
    skipped: list  # (item, why_not_counted code) of the items not counted
    studies: list
    deciding: list
    weights: list
    top: int
    domains: dict
    level: int
    unclamped: int
    capped_by: tuple
    direction: str
    support: float
    against: float
    other_way: list


def partition(items: tuple) -> tuple[list, list]:
    """Step 1: the counted items, and the others with why each is not counted."""
    counted, skipped = [], []
    for item in items:
        code = why_not_counted(item)
        if code:
            skipped.append((item, code))
        else:
            counted.append(item)
    return counted, skipped


def judge(claim: ClaimFacts, items: Sequence[ItemFacts]) -> Judgement | None:
    """Steps 1 to 6; None when nothing counts (or a background claim)."""
    items = tuple(items)
    counted, skipped = partition(items)
    if claim.question == "background" or not counted:
        return None
    return _judge(claim, items, counted, skipped)


def _judge(claim: ClaimFacts, items: tuple, counted: list, skipped: list) -> Judgement:
    scored = [Scored(claim, item, index) for index, item in enumerate(counted)]
    studies = studies_of(scored)
    top, deciding = deciding_set(studies)
    weights = weights_of(deciding)
    domains = {
        "indirectness": indirectness_domain(deciding, top),
        "risk_of_bias": risk_of_bias(deciding, weights),
        "inconsistency": inconsistency(deciding),
        "imprecision": imprecision(claim, deciding),
        "publication_bias": publication_bias(deciding),
    }
    domains["rating_up"] = rating_up(deciding, domains)
    moves = sum(domains[name].change for name in DOWN_AND_UP)
    unclamped = top + moves
    level = min(HIGH, max(VERY_LOW, unclamped))
    unverified = tuple(s for s in deciding if s.rep.item.record == "unverified")
    capped_by = unverified if unverified and level > LOW else ()
    if unverified:
        level = min(level, LOW)
    direction, support, against = direction_of(deciding, weights)
    return Judgement(
        claim=claim,
        items=items,
        counted=counted,
        skipped=skipped,
        studies=studies,
        deciding=deciding,
        weights=weights,
        top=top,
        domains=domains,
        level=level,
        unclamped=unclamped,
        capped_by=capped_by,
        direction=direction,
        support=support,
        against=against,
        other_way=points_other_way(studies, deciding, direction),
    )


DOWN_AND_UP = ("risk_of_bias", "inconsistency", "imprecision", "publication_bias", "rating_up")


def grade(claim: ClaimFacts, items: Sequence[ItemFacts]) -> Grade:
    """The grade-2 grade of `claim` from its evidence `items`, with reasons and profile."""
    if claim.question == "background":
        return Grade(NOT_GRADED, NONE, explain.NOT_GRADED_REASONS, RUBRIC, explain.NO_PROFILE)
    items = tuple(items)
    counted, skipped = partition(items)
    if not counted:
        reasons, profile = explain.insufficient(items, skipped)
        return Grade(INSUFFICIENT, NONE, reasons, RUBRIC, profile)
    judgement = _judge(claim, items, counted, skipped)
    reasons, profile = explain.explain(judgement)
    deciding = len(profile.row("start").studies)  # its labels: one per paper and year
    return Grade(
        LEVEL_NAMES[judgement.level],
        judgement.direction,
        reasons,
        RUBRIC,
        profile,
        deciding=deciding,
    )
