"""From the ORM to the rubrics: a claim and its evidence as the plain facts a rubric grades.

The rubrics (`evidence.rubrics`) are pure; this module is the one place that reads model
instances for them. It expects evidence with its reference, the reference's contributors and
the evidence's `covers` prefetched (`Claim.objects.with_evidence()`, `evidence_for_grading`),
so grading a claim costs no query of its own.

- The rubric that grades claims now is the setting `LEDGER_GRADE_RUBRIC` (`current_rubric`).
- An item's `record` is its reference's retraction state when that is retracted or an
  expression of concern, else the reference's verification state (a correction leaves the
  record as verified, unverified...: the corrected paper stands).
- grade-1 predates some choice values; for it, `no_effect` reads as `contradicts`,
  `mentions` as `asserts` and risk of bias `critical` as `high`.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch

from citations.models import Contributor, Reference
from evidence.rubrics import RUBRICS, Grade
from evidence.rubrics.grade1 import EvidenceFacts
from evidence.rubrics.grade2 import ClaimFacts, ItemFacts

UNKNOWN_RUBRIC = "Unknown grading rubric {name!r}; expected one of {choices}."
RECORD_RETRACTIONS = ("retracted", "expression_of_concern")
GRADE1_STANCES = {"no_effect": "contradicts", "mentions": "asserts"}
GRADE1_RISKS = {"critical": "high"}


def current_rubric() -> str:
    return rubric_named(settings.LEDGER_GRADE_RUBRIC)


def rubric_named(name: str) -> str:
    if name not in RUBRICS:
        choices = ", ".join(RUBRICS)
        raise ImproperlyConfigured(UNKNOWN_RUBRIC.format(name=name, choices=choices))
    return name


def evidence_for_grading(queryset):
    """`queryset` of Evidence with everything grading reads, in a fixed number of queries."""
    return queryset.select_related("reference").prefetch_related(
        Prefetch("reference__contributors", queryset=Contributor.objects.select_related("person")),
        Prefetch("covers", queryset=Reference.objects.only("id", "citekey")),
    )


def record_of(reference) -> str:
    if reference.retraction in RECORD_RETRACTIONS:
        return reference.retraction
    return reference.verification


def claim_facts(claim) -> ClaimFacts:
    return ClaimFacts(
        population=claim.population,
        question=claim.question,
        cell_species=claim.cell_species,
        mid=claim.mid,
    )


def item_facts(item) -> ItemFacts:
    """grade-2's facts of one Evidence row (uses its prefetched reference and covers)."""
    reference = item.reference
    return ItemFacts(
        label=item.label,
        citekey=reference.citekey,
        year=reference.year,
        stance=item.stance,
        design=item.design,
        population=item.population,
        sample_size=item.sample_size,
        effect_measure=item.effect_measure,
        effect_value=item.effect_value,
        ci_low=item.ci_low,
        ci_high=item.ci_high,
        risk_of_bias=item.risk_of_bias,
        via=item.via,
        covers=tuple(covered.citekey for covered in item.covers.all()),
        cell_species=item.cell_species,
        population_match=item.population_match,
        intervention_match=item.intervention_match,
        outcome_match=item.outcome_match,
        comparator_match=item.comparator_match,
        i_squared=item.i_squared,
        same_direction=item.same_direction,
        small_study_effects=item.small_study_effects,
        dose_response=item.dose_response,
        confounding_reduces=item.confounding_reduces,
        funding=item.funding,
        source_access=item.source_access,
        record=record_of(reference),
    )


def grade1_facts(item) -> EvidenceFacts:
    return EvidenceFacts(
        stance=GRADE1_STANCES.get(item.stance, item.stance),
        design=item.design,
        population=item.population,
        sample_size=item.sample_size,
        effect_value=item.effect_value,
        ci_low=item.ci_low,
        ci_high=item.ci_high,
        null_value=item.null_value,
        risk_of_bias=GRADE1_RISKS.get(item.risk_of_bias, item.risk_of_bias),
        large_effect=item.large_effect,
        label=item.label,
    )


def compute_grade(claim, evidence, rubric: str | None = None) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from `evidence`."""
    rubric = rubric_named(rubric) if rubric else current_rubric()
    if rubric == "grade-1":
        return RUBRICS[rubric].grade(claim.population, [grade1_facts(item) for item in evidence])
    return RUBRICS[rubric].grade(claim_facts(claim), [item_facts(item) for item in evidence])


def claim_grade_profile(claim) -> Grade:
    """The current rubric's grade of `claim`, with its evidence profile, for the claim page.

    Reads `claim.evidence.all()`: prefetch it with `Claim.objects.with_evidence()` (no query
    per item). The profile is None when the current rubric is grade-1.
    """
    return compute_grade(claim, claim.evidence.all())
