"""What the public methodology page says: the rubric in force, the levels, the domains.

Plain data for `templates/claims/methodology.html`; `docs/grading.md` is the same rubric
written precisely for people who work on the code. Keep the two in step.
"""

from dataclasses import dataclass

from django.conf import settings

from evidence.wording import LEVEL_PHRASES

DEFAULT_RUBRIC = "grade-2"


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
class Domain:
    slug: str
    name: str
    question: str
    effect: str
    example: str


LEVELS = (
    Level(
        "high",
        "High certainty",
        "We are very confident. Well-run studies agree, and further research is very "
        "unlikely to change the conclusion.",
        LEVEL_PHRASES[("high", "supported")],
    ),
    Level(
        "moderate",
        "Moderate certainty",
        "Probably right. The conclusion is likely close to the truth, but further research "
        "may change it.",
        LEVEL_PHRASES[("moderate", "supported")],
    ),
    Level(
        "low",
        "Low certainty",
        "May be right. Further research is likely to change the picture.",
        LEVEL_PHRASES[("low", "supported")],
    ),
    Level(
        "very_low",
        "Very low certainty",
        "Very uncertain. The truth may be substantially different from what the studies suggest.",
        LEVEL_PHRASES[("very_low", "supported")],
    ),
)

DOMAINS = (
    Domain(
        "start",
        "Where the evidence starts",
        "How were the studies designed?",
        "Randomised trials, controlled animal experiments and laboratory (cell) studies start "
        "at high certainty, because chance alone decided who got what. Observational studies "
        "(cohort, case-control, cross-sectional) start at low, because people who choose a "
        "treatment differ in other ways too; a case series starts at very low. Reviews, "
        "textbooks, expert opinion and popular articles are not counted: we count the studies "
        "they report, by those studies' own design.",
        "Four placebo-controlled trials reported by a narrative review count as randomised "
        "trials, known through a review; the review itself adds nothing on top.",
    ),
    Domain(
        "risk_of_bias",
        "Risk of bias",
        "Were the deciding studies run in a way we can trust?",
        "Down one level unless at least half of the deciding evidence was judged at low risk "
        "of bias; down two when most of it is at critical risk. A study nobody has appraised "
        "is not assumed to be sound. A study whose journal has issued an expression of concern "
        "counts as high risk.",
        "A meta-analysis of trials whose risk of bias was never assessed goes down one level, "
        "from high to moderate, before anything else is considered.",
    ),
    Domain(
        "inconsistency",
        "Inconsistency",
        "Do the deciding studies agree with each other?",
        "Down one level when strong studies point in opposite directions, or when a "
        "meta-analysis reports large unexplained differences between the studies it pools "
        "(heterogeneity, I² of 75 % or more, or 40 % or more when they are not known to point "
        "the same way); down two when both happen, or the pooled studies point different "
        "ways. One study entered twice never disagrees with itself.",
        "A meta-analysis of 1,058 women with I² = 81 %: the trials it pools disagree a lot, "
        "so it goes down one level.",
    ),
    Domain(
        "indirectness",
        "Indirectness",
        "Do the studies answer the claim's own question?",
        "Evidence about other people, other species, a different treatment, a stand-in "
        "outcome or the wrong comparison counts for less. Mouse studies for a claim about "
        "people go down two levels, cell studies three; a surrogate outcome such as bone "
        "density standing in for fractures, one.",
        "Knockout-mouse experiments on a claim about women start high but count as low "
        "(down two, for another species).",
    ),
    Domain(
        "imprecision",
        "Imprecision",
        "Are the numbers precise enough to be sure of the answer?",
        "Down one level when the confidence interval of the main result includes no effect, "
        "or when fewer than 400 people (40 animals) were studied in all; down two when the "
        "interval is so wide it is compatible both with an important benefit and with an "
        "important harm. A narrow interval around no effect is a precise answer: no effect.",
        "A risk ratio of 0.95 with a 95 % confidence interval from 0.60 to 1.50 (250 "
        "people) fits a 40 % benefit and a 50 % harm alike: down two.",
    ),
    Domain(
        "publication_bias",
        "Publication bias",
        "Could studies with other results be missing?",
        "Down one level when a meta-analysis found signs that small negative studies went "
        "unpublished, when every deciding result is known only through a narrative review "
        "(nobody searched systematically), or when the evidence is a few small, positive, "
        "mostly industry-funded studies.",
        "Trials we know only because a narrative review mentions them go down one level: "
        "the review's author chose what to report.",
    ),
    Domain(
        "rating_up",
        "Rating up",
        "Is there a reason to be more confident in observational evidence?",
        "Only for observational studies with no serious problem above: a very large effect "
        "(a risk halved or doubled: up one; cut to a fifth or multiplied by five, precisely: "
        "up two), a dose-response gradient (more exposure, more effect: up one), or "
        "confounding that would have hidden the effect (up one). At most two levels in all.",
        "A meta-analysis of cohort studies of 20,000 people finding a risk ratio of 0.40 "
        "(0.30 to 0.53) starts low and goes up one, to moderate.",
    ),
)


@dataclass(frozen=True)
class MethodologyPage:
    rubric: str
    levels: tuple[Level, ...] = LEVELS
    domains: tuple[Domain, ...] = DOMAINS


def methodology_page() -> MethodologyPage:
    return MethodologyPage(rubric=current_rubric())
