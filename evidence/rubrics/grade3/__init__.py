"""Rubric `grade-3`: GRADE, adapted. A claim's evidence in, a `Grade` with its profile out.

Pure (no ORM, no Django): plain `ClaimFacts` and `ItemFacts` in, a `Grade(level, direction,
provisional, reasons, profile, rubric="grade-3")` out. The steps are those of docs/grading.md,
section "Grading, rubric grade-3":

0. A background claim, or a compound claim (it has `parts`), is not graded.
1. Counted items as grade-2. None: insufficient.
2. Item level = start (randomised trials 4; animal experiments 4 only when randomised; cells
   2; cohorts 4 only for a prognostic question) minus indirectness (at most 2), then capped
   for how it was read (secondary access: very low; a narrative review's account: low).
3. Items join into studies only within one comparison; a review of unknown contents is
   flagged ("may include"), never merged.
4. Each item and study has a finding: for, against, null or mixed.
5. The deciding set D and its weights.
6. Risk of bias (not assessed makes the grade provisional, never "Serious"), inconsistency,
   imprecision against thresholds (regions touched), publication bias, rating up; then the
   caps (single unreplicated study: moderate; laboratory result without a CI: low;
   unverified record: low).
7. The direction: from the pooled estimate when there is one, else a 2/3 tally of findings;
   a null reads "no difference shown", never "contradicted".
8. Reasons (`explain`, always) and the evidence profile (`rows`, unless `profile=False`:
   storing a grade needs only level, direction, provisional and reasons).

The package: `inputs` (vocabulary, ClaimFacts, ItemFacts, steps 1 and 2), `studies` (steps 3
and 4), `domains` (steps 5 to 7), `explain` (step 8, reasons), `rows` (step 8, the profile);
this module ties them.

Decisions the rubric text (docs/grading.md) leaves open, made here:
- Bad input is a ValueError naming the field: an unknown choice value, a CI with one end or
  low above high, a ratio (value or CI) not above 0, a sample size below 1 (the model's own
  constraints), a MID not above 0 (not above 1 on the ratio scale).
- `rob_tool` is free text (display only), not checked against a list. The claim's pooled
  estimate has its own `pooled_ci_source` (`reported` [default], `derived`), shown like an
  item's `ci_source`.
- The pooled estimate counts only with both CI ends; it is E for imprecision whenever its CI is
  set, and decides the direction only when `claimed_direction` is set.
- An item's finding uses the thresholds of step 6 for its own measure (the claim's MID when on
  that scale, else 0.75/1.25 for ratios, else none).
- Only counted items join, flag or decide. "Items from the representative's citekey" (a
  study's finding) compares citekeys after an empty one is replaced by the label.
- A "may include" flag pairs a synthesis of unknown contents with an item of another study
  (same comparison and design family); it never changes the grade. Two such syntheses flag
  each other once.
- Inconsistency: `same_direction = no` with I² not reported takes 1; the row reads "Not
  assessed" only for one deciding synthesis with neither I² nor direction known. "Every
  representative has a CI on one measure" means all of D's representatives have a CI and
  share one effect measure. Findings across studies are the studies' findings (step 4).
- Imprecision: the OIS rule sums D's representatives' sizes (not E's alone). Without E, when
  every representative is animal or cell evidence and the direction is not "no difference",
  the laboratory cap applies whatever the sizes.
- Publication bias: "more than half industry-funded" counts studies; `mixed` funding is not
  industry funding. "Not detected" when a deciding synthesis reports small-study effects
  `not_detected` (and none reports them detected).
- Rating up: "human" is item population `humans`; "at item level 2" is start 2 and level 2;
  a large effect needs a ratio with a value; dose-response and confounding may come from any
  representative.
- Caps apply after the clamp, in the order of the rubric; "one study" is D with exactly one study.
- Provisional only for a graded claim; insufficient and not graded never are.
- Points the other way (counted studies outside D): for `supported` the against and null
  ones, for `contradicted` the for and null ones, for `no_difference` the for and against
  ones; a contested claim has no other way. Mixed studies point no way.
- The indirectness row shows the least indirect of D's studies with the highest start.
- The laboratory note applies when the claim is about humans and a deciding study is animal
  or cell evidence; the prognostic note whenever the question is `prognostic`.
- An empty label reads as the citekey, or "an unlabelled item" (as grade-2). A study is
  labelled by its representative; two comparisons of one paper are two studies with one
  label, and `Profile.deciding` keeps one label per deciding study (pages count them).
- Reasons: "may include" flags are reasons too (step 3 acted); items not counted are grouped
  per reason, one sentence each, in the reasons and in `Profile.not_counted`.
- `Grade` keeps its positional order (level, direction, reasons, rubric, profile) for grade-1
  and grade-2; grade-3 passes `provisional` by keyword. `grade(..., profile=False)` leaves
  the profile out (None): storing a grade needs level, direction, provisional, reasons and
  `Grade.deciding`, the number of deciding studies, which is counted either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evidence.rubrics.grade2 import DOWN_AND_UP
from evidence.rubrics.grade2 import partition as partition  # step 1 is grade-2's
from evidence.rubrics.grade2.explain import insufficient
from evidence.rubrics.grade3 import explain, rows
from evidence.rubrics.grade3.domains import (
    Domain as Domain,
)
from evidence.rubrics.grade3.domains import (
    deciding_set,
    direction_of,
    imprecision,
    inconsistency,
    indirectness_domain,
    is_provisional,
    points_other_way,
    publication_bias,
    rating_up,
    risk_of_bias,
    weights_of,
)
from evidence.rubrics.grade3.inputs import *  # noqa: F403 - the vocabulary is the interface
from evidence.rubrics.grade3.inputs import (
    HIGH,
    INSUFFICIENT,
    LABORATORY_CAP,
    LEVEL_NAMES,
    NONE,
    NOT_GRADED,
    RUBRIC,
    SINGLE_STUDY_CAP,
    UNVERIFIED_CAP,
    VERY_LOW,
    ClaimFacts,
    ItemFacts,
)
from evidence.rubrics.grade3.studies import Scored, claim_thresholds, possible_overlaps, studies_of
from evidence.rubrics.grade3.studies import Study as Study
from evidence.rubrics.profile import Grade, Profile


@dataclass(slots=True)
class Judgement:
    """Everything the steps decided, for the grade and its explanation."""

    claim: ClaimFacts
    items: tuple
    counted: list
    skipped: list  # (item, why_not_counted code) of the items not counted
    scored: list
    studies: list
    overlaps: list  # (review Scored, other Scored)
    deciding: list
    weights: list
    weights_are_sizes: bool
    top: int
    domains: dict
    provisional: bool
    unclamped: int
    caps: list  # (kind, at_most, studies, applied)
    level: int
    direction: str
    tally: dict
    other_way: list


def judge(claim: ClaimFacts, items: Sequence[ItemFacts]) -> Judgement | None:
    """Steps 1 to 7; None when the claim is not graded or nothing counts."""
    items = tuple(items)
    counted, skipped = partition(items)
    if claim.question == "background" or claim.parts or not counted:
        return None
    return _judge(claim, items, counted, skipped)


def _judge(claim: ClaimFacts, items: tuple, counted: list, skipped: list) -> Judgement:
    bounds = claim_thresholds(claim)
    scored = [Scored(claim, item, index, bounds) for index, item in enumerate(counted)]
    studies = studies_of(scored)
    top, deciding = deciding_set(studies)
    weights = weights_of(deciding)
    direction, tally = direction_of(claim, deciding, weights)
    provisional = is_provisional(deciding)
    domains = {
        "risk_of_bias": risk_of_bias(deciding, weights),
        "inconsistency": inconsistency(deciding),
        "indirectness": indirectness_domain(deciding),
        "imprecision": imprecision(claim, deciding, direction),
        "publication_bias": publication_bias(deciding),
    }
    domains["rating_up"] = rating_up(claim, deciding, domains, provisional)
    unclamped = top + sum([domains[name].change for name in DOWN_AND_UP])
    level = HIGH if unclamped > HIGH else VERY_LOW if unclamped < VERY_LOW else unclamped
    caps = []
    for kind, at_most, behind in _caps(deciding, domains):
        caps.append((kind, at_most, behind, level > at_most))
        if at_most < level:
            level = at_most
    return Judgement(
        claim=claim,
        items=items,
        counted=counted,
        skipped=skipped,
        scored=scored,
        studies=studies,
        overlaps=possible_overlaps(scored, studies),
        deciding=deciding,
        weights=weights,
        weights_are_sizes=all([s.rep.item.sample_size is not None for s in deciding]),
        top=top,
        domains=domains,
        provisional=provisional,
        unclamped=unclamped,
        caps=caps,
        level=level,
        direction=direction,
        tally=tally,
        other_way=points_other_way(studies, deciding, direction),
    )


def _caps(deciding: list, domains: dict) -> list:
    """The grade's ceilings that apply: (kind, at most, studies behind)."""
    caps = []
    if len(deciding) == 1 and not deciding[0].rep.synthesis:
        caps.append(("single_study", SINGLE_STUDY_CAP, tuple(deciding)))
    if domains["imprecision"].why == "laboratory_no_ci":
        caps.append(("laboratory_no_ci", LABORATORY_CAP, tuple(deciding)))
    unverified = tuple([s for s in deciding if s.rep.item.record == "unverified"])
    if unverified:
        caps.append(("unverified", UNVERIFIED_CAP, unverified))
    return caps


NOT_GRADED_BACKGROUND = (
    ("Not graded: a background fact, which the grade does not rate",),
    Profile(rows=()),
)


def not_graded(claim: ClaimFacts) -> tuple[tuple[str, ...], Profile]:
    if claim.question == "background":
        return NOT_GRADED_BACKGROUND
    parts = claim.parts
    return (
        (f"Not graded: the claim bundles {len(parts)} outcomes; see its parts",),
        Profile(rows=(), parts=parts),
    )


def grade(claim: ClaimFacts, items: Sequence[ItemFacts], *, profile: bool = True) -> Grade:
    """The grade-3 grade of `claim` from its evidence `items`, with reasons and, unless
    `profile` is false (storing grades needs only the reasons), its evidence profile."""
    if claim.question == "background" or claim.parts:
        reasons, shown = not_graded(claim)
        return Grade(NOT_GRADED, NONE, reasons, RUBRIC, shown)
    items = tuple(items)
    counted, skipped = partition(items)
    if not counted:
        reasons, shown = insufficient(items, skipped)
        return Grade(INSUFFICIENT, NONE, reasons, RUBRIC, shown)
    judgement = _judge(claim, items, counted, skipped)
    reasons, parts = explain.reasons_of(judgement)
    return Grade(  # by position: level, direction, reasons, rubric, profile, provisional...
        LEVEL_NAMES[judgement.level],
        judgement.direction,
        reasons,
        RUBRIC,
        rows.profile_of(judgement, parts) if profile else None,
        judgement.provisional,
        len(judgement.deciding),  # one per study, as `Profile.deciding` keeps their labels
    )
