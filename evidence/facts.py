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
from evidence.models import Evidence
from evidence.rubrics import RUBRICS, Grade, grade1
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


def item_facts(item, label: str | None = None, covers=None) -> ItemFacts:
    """grade-2's facts of one Evidence row: its label and covers' citekeys when given, else
    read from its prefetched reference, contributors and covers."""
    reference = item.reference
    if covers is None:
        covers = tuple(covered.citekey for covered in item.covers.all())
    return ItemFacts(
        label=item.label if label is None else label,
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
        covers=covers,
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


def grade1_facts(item, label: str | None = None) -> EvidenceFacts:
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
        label=item.label if label is None else label,
    )


def compute_grade(claim, evidence, rubric: str | None = None) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from `evidence`."""
    return grade_rows(claim, [(item, None, None) for item in evidence], rubric)


def grade_rows(claim, rows, rubric: str | None = None) -> Grade:
    """The grade of `claim` from rows of (evidence item, label, covers' citekeys); a label
    or covers of None is read from the item."""
    rubric = rubric_named(rubric) if rubric else current_rubric()
    if rubric == grade1.RUBRIC:
        return grade1.grade(
            claim.population, [grade1_facts(item, label) for item, label, _ in rows]
        )
    items = [item_facts(item, label, covers) for item, label, covers in rows]
    return RUBRICS[rubric].grade(claim_facts(claim), items)


def evidence_rows_by_claim(claim_ids) -> dict:
    """{claim id: [(evidence item, label, covers' citekeys)]} in three queries.

    For regrading many claims at once: Django's prefetching builds a related manager per
    item, which costs more than grading. Labels are those of `Evidence.label`.
    """
    items = list(Evidence.objects.filter(claim_id__in=claim_ids).select_related("reference"))
    first_names = {}
    contributors = Contributor.objects.filter(
        reference_id__in={item.reference_id for item in items}
    ).order_by("reference_id", "role", "position")  # authors before editors
    for reference_id, family in contributors.values_list("reference_id", "person__family"):
        first_names.setdefault(reference_id, family)
    covers = {}
    pooled = Evidence.covers.through.objects.filter(evidence_id__in=[i.pk for i in items])
    for evidence_id, citekey in pooled.order_by("reference__citekey").values_list(
        "evidence_id", "reference__citekey"
    ):
        covers.setdefault(evidence_id, []).append(citekey)
    rows = {}
    for item in items:
        reference = item.reference
        family = first_names.get(reference.pk, reference.citekey)
        label = f"{family} {reference.year or 'n.d.'}"
        rows.setdefault(item.claim_id, []).append((item, label, tuple(covers.get(item.pk, ()))))
    return rows


def claim_grade_profile(claim) -> Grade:
    """The current rubric's grade of `claim`, with its evidence profile, for the claim page.

    Reads `claim.evidence.all()`: prefetch it with `Claim.objects.with_evidence()` (no query
    per item). The profile is None when the current rubric is grade-1.
    """
    return compute_grade(claim, claim.evidence.all())
