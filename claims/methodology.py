"""What the public methodology page says: the rubric in force (grade-3, adapted from GRADE),
the levels, the directions, the domains and the house rules that are stricter than GRADE.

Plain data for `templates/claims/methodology.html`; `docs/grading.md` is the same rubric
written precisely for people who work on the code (docs/grading.md, "Rubric
grade-3"). Keep the two in step. Nothing here may state a judgement the rubric does not make:
no "chance decided the groups" for animal or cell studies, no "not suspected" for publication
bias nobody assessed.
"""

from dataclasses import dataclass

from django.conf import settings

from evidence.wording import (
    GRADE3_PHRASES,
    LABORATORY_NOTE,
    PROGNOSTIC_NOTE,
    PROVISIONAL_NOTE,
    VERY_LOW_MEANING,
)

DEFAULT_RUBRIC = "grade-3"


def current_rubric() -> str:
    """The rubric new grades are computed with (the `LEDGER_GRADE_RUBRIC` setting)."""
    return getattr(settings, "LEDGER_GRADE_RUBRIC", "") or DEFAULT_RUBRIC


@dataclass(frozen=True)
class Level:
    slug: str
    name: str
    meaning: str
    example: str  # the sentence a claim page shows for a supported claim at this level


@dataclass(frozen=True)
class Direction:
    slug: str
    name: str  # the badge
    meaning: str
    example: str  # the sentence at moderate certainty


@dataclass(frozen=True)
class Domain:
    slug: str
    name: str
    question: str
    effect: str
    example: str


@dataclass(frozen=True)
class HouseRule:
    slug: str
    name: str
    rule: str
    why: str


LEVELS = (
    Level(
        "high",
        "High certainty",
        "We are very confident that the true effect is close to what the studies found.",
        GRADE3_PHRASES[("high", "supported")],
    ),
    Level(
        "moderate",
        "Moderate certainty",
        "The true effect is probably close to what the studies found, but it may be "
        "substantially different.",
        GRADE3_PHRASES[("moderate", "supported")],
    ),
    Level(
        "low",
        "Low certainty",
        "The true effect may be substantially different from what the studies found.",
        GRADE3_PHRASES[("low", "supported")],
    ),
    Level(
        "very_low",
        "Very low certainty",
        f"Very uncertain. {VERY_LOW_MEANING}",
        GRADE3_PHRASES[("very_low", "supported")],
    ),
)

DIRECTIONS = (
    Direction(
        "supported",
        "Supported",
        "The deciding studies found what the claim says.",
        GRADE3_PHRASES[("moderate", "supported")],
    ),
    Direction(
        "contradicted",
        "Contradicted",
        "The deciding studies found the opposite of what the claim says: an effect the other "
        "way. A study that found no difference never counts as contradicting a claim.",
        GRADE3_PHRASES[("moderate", "contradicted")],
    ),
    Direction(
        "no_difference",
        "No difference shown",
        "The deciding studies found little or no difference. Whether that rules out an "
        "important effect is what the certainty says: an imprecise study that found nothing "
        "is very uncertain, not proof of no effect.",
        GRADE3_PHRASES[("moderate", "no_difference")],
    ),
    Direction(
        "contested",
        "Contested",
        "The deciding studies point different ways and no reading has two thirds of them.",
        GRADE3_PHRASES[("moderate", "contested")],
    ),
)

DOMAINS = (
    Domain(
        "start",
        "Where the evidence starts",
        "How were the studies designed?",
        "Randomised trials start at high certainty: random allocation made the groups alike. "
        "So do animal experiments that allocated the animals at random. Animal experiments without "
        "random allocation and laboratory studies on cells start low: nothing but the "
        "genotype or dish decided the groups, and GRADE has no guidance for cell studies. "
        "Observational studies of people (cohort, case-control, cross-sectional) start low, "
        "because people who choose an exposure differ in other ways too; a case series "
        "starts at very low. For a prognostic-factor claim (people with X more often get Y, "
        "with no causal reading) cohort studies start high. Reviews, textbooks, expert "
        "opinion and popular articles are not counted: we count the studies they report, by "
        "those studies' own design.",
        "Knockout mice compared with their wild-type littermates start low: the genotype "
        "decided which mouse was in which group.",
    ),
    Domain(
        "risk_of_bias",
        "Risk of bias",
        "Were the deciding studies run in a way we can trust?",
        "Each deciding study's risk of bias is judged with a named tool (RoB 2 for "
        "randomised trials, ROBINS-I or ROBINS-E for non-randomised studies, QUIPS for "
        "prognostic-factor studies, SYRCLE for animal experiments) and shown beside it, "
        "e.g. “low (RoB 2)”. Down one level when at least a third of the deciding evidence is "
        "at high or critical risk; down two when at least half is at critical risk. A study "
        "nobody has assessed yet is shown as “Not assessed”: it does not rate the grade down, "
        "but the grade is marked provisional and cannot be rated up.",
        "Two trials of 500 people each, one at low and one at critical risk of bias: half "
        "the evidence is at critical risk, so the grade goes down two levels.",
    ),
    Domain(
        "inconsistency",
        "Inconsistency",
        "Do the deciding studies agree with each other?",
        "With one study this domain does not apply, and the page says so. Down one level "
        "when the deciding studies found effects in opposite directions, or when some found "
        "no difference and others an effect, unless all their confidence intervals overlap. "
        "For a meta-analysis, large heterogeneity (I² of 75 % or more) counts only together "
        "with whether the pooled studies point the same way: when some point the opposite "
        "way it goes down one level, or two with I² of 75 % or more; when they all point the "
        "same way, differences in size alone do not count.",
        "A meta-analysis with I² = 80 % whose pooled cohorts include one pointing the other "
        "way goes down two levels.",
    ),
    Domain(
        "indirectness",
        "Indirectness",
        "Do the studies answer the claim's own question?",
        "Evidence about other people, other species, a related treatment, a stand-in outcome "
        "or an indirect comparison counts for less: down one or two levels in all. Mouse and "
        "cell studies for a claim about people go down two; a surrogate outcome such as bone "
        "density standing in for fractures, or a synthetic progestin standing in for "
        "progesterone, one.",
        "A meta-analysis of trials of medroxyprogesterone acetate, on a claim about "
        "progesterone, goes down one level for a related intervention.",
    ),
    Domain(
        "imprecision",
        "Imprecision",
        "Are the numbers precise enough to be sure of the answer?",
        "We read the confidence interval of the main estimate (a pooled estimate when there "
        "is one, else the best study's) against thresholds: the smallest effect that matters "
        "(the minimal important difference, when the claim gives one) or, for a ratio, 0.75 "
        "and 1.25. The interval can touch three regions: an important effect one way, a "
        "trivial effect, an important effect the other way. One region: no change; two: "
        "down one; all three: down two, or three when it also reaches twice the thresholds "
        "both ways. Without thresholds, down one when the interval includes no effect. When "
        "fewer than 400 people were studied in all, down one (GRADE's rule of thumb for an "
        "optimal information size). A finding of “no difference” without any confidence "
        "interval cannot rule out an important effect: down two (one when 400 people or "
        "more were studied). A confidence interval we derived from a P value is labelled so.",
        "A trial of 40 people found a difference of 0.1 (−1.2 to 1.4) where 0.5 matters: "
        "the interval reaches important effects both ways, twice over, so it goes down three "
        "levels.",
    ),
    Domain(
        "publication_bias",
        "Publication bias",
        "Could studies with other results be missing?",
        "Shown as “Suspected” (down one level) when a meta-analysis found signs that small "
        "studies with other results went unpublished, or when the evidence is a few small, "
        "positive, mostly industry-funded studies; “Not detected” when a meta-analysis looked "
        "and found none; otherwise “Not assessed”. How a result came to our notice (through a "
        "narrative review, say) is not publication bias.",
        "A meta-analysis whose funnel plot shows missing small negative studies goes down "
        "one level.",
    ),
    Domain(
        "rating_up",
        "Rating up",
        "Is there a reason to be more confident in observational evidence?",
        "Only for observational studies of people with no reason at all to rate down, whose "
        "risk of bias has been assessed: a very large effect (a risk halved or doubled: up "
        "one; cut to a fifth or multiplied by five: up two), a dose-response gradient (up "
        "one), or confounding that would have hidden the effect (up one). At most two levels "
        "in all.",
        "A meta-analysis of cohort studies of 20,000 people, at low risk of bias, finding a "
        "risk ratio of 0.15 (0.10 to 0.22), starts low and goes up two, to high.",
    ),
)

HOUSE_RULES = (
    HouseRule(
        "cells-start-low",
        "Laboratory studies start low",
        "Cell studies, and animal experiments without random allocation, start at low certainty.",
        "GRADE's high start rests on randomisation; GRADE has no guidance for cell studies.",
    ),
    HouseRule(
        "single-study-cap",
        "One study is at most moderate",
        "When a single study that is not itself a meta-analysis or review decides a grade, "
        "the grade is at most moderate.",
        "A result nobody has replicated is not yet high-certainty evidence.",
    ),
    HouseRule(
        "laboratory-no-ci-cap",
        "Laboratory results without a confidence interval are at most low",
        "When the deciding studies are all animal or cell studies and none reports a "
        "confidence interval, imprecision cannot be assessed, and the grade is at most low.",
        "Without an interval nobody can tell how precise a laboratory result is.",
    ),
    HouseRule(
        "risk-of-bias-weights",
        "A third and a half of the evidence",
        "Risk of bias rates down one level when a third of the deciding evidence (weighted by "
        "sample size when every size is known) is at high or critical risk, and two levels "
        "when half is at critical risk.",
        "GRADE asks whether the studies at high risk bear substantially on the result; the "
        "fractions make that judgement the same for every claim.",
    ),
    HouseRule(
        "two-thirds-tally",
        "Two thirds decide the direction",
        "Without a pooled estimate, a direction needs two thirds of the deciding evidence: "
        "for the claim, against it, or finding no difference; otherwise it is contested.",
        "A plain majority of a few studies is too easily a matter of chance.",
    ),
    HouseRule(
        "narrative-review-cap",
        "Results known only from a narrative review count as low at most",
        "A study we know only through a narrative review's account counts as low certainty "
        "at most; one known only from someone else's summary (nobody here read the study or "
        "its abstract), as very low at most.",
        "A narrative review chooses what to report and how; the study itself may say more.",
    ),
)

NOTES = (
    ("provisional", PROVISIONAL_NOTE, "Some deciding study has not been assessed yet."),
    ("prognostic", PROGNOSTIC_NOTE, "Shown on prognostic-factor claims."),
    (
        "laboratory",
        LABORATORY_NOTE,
        "Shown when animal or cell studies decide a claim about people.",
    ),
)


@dataclass(frozen=True)
class MethodologyPage:
    rubric: str
    levels: tuple[Level, ...] = LEVELS
    directions: tuple[Direction, ...] = DIRECTIONS
    domains: tuple[Domain, ...] = DOMAINS
    house_rules: tuple[HouseRule, ...] = HOUSE_RULES
    notes: tuple[tuple[str, str, str], ...] = NOTES


def methodology_page() -> MethodologyPage:
    return MethodologyPage(rubric=current_rubric())
