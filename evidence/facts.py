"""From the ORM to the rubrics: a claim and its evidence as the plain facts a rubric grades.

The rubrics (`evidence.rubrics`) are pure; this module is the one place that reads model
instances for them. It expects evidence with its reference, the reference's contributors and
the evidence's `covers` prefetched (`Claim.objects.with_evidence()`, `evidence_for_grading`),
so grading a claim costs no query of its own. Regrading many claims reads plain values of
only the fields grading needs instead (`evidence_values_by_claim`), into the same facts.

- The rubric that grades claims now is the setting `LEDGER_GRADE_RUBRIC` (`current_rubric`).
- An item's `record` is its reference's retraction state when that is retracted or an
  expression of concern, else the reference's verification state (a correction leaves the
  record as verified, unverified...: the corrected paper stands).
- grade-1 predates some choice values; for it, `no_effect` reads as `contradicts`,
  `mentions` as `asserts` and risk of bias `critical` as `high`.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Prefetch, Subquery

from citations.models import Contributor, Reference
from evidence.models import EffectMeasure, Evidence
from evidence.rubrics import RUBRICS, Grade, grade1, grade3
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
    return _record(reference.verification, reference.retraction)


def _record(verification: str, retraction: str) -> str:
    return retraction if retraction in RECORD_RETRACTIONS else verification


CLAIM_FIELDS = ("population", "question", "cell_species", "mid")
# The Evidence fields that are ItemFacts fields of the same name and meaning.
ITEM_FIELDS = (
    "stance",
    "design",
    "population",
    "sample_size",
    "effect_measure",
    "effect_value",
    "ci_low",
    "ci_high",
    "risk_of_bias",
    "via",
    "cell_species",
    "population_match",
    "intervention_match",
    "outcome_match",
    "comparator_match",
    "i_squared",
    "same_direction",
    "small_study_effects",
    "dose_response",
    "confounding_reduces",
    "funding",
    "source_access",
)
GRADE1_ONLY = ("large_effect",)  # read by grade-1, not an ItemFacts field


def claim_facts(claim) -> ClaimFacts:
    return ClaimFacts(**{name: getattr(claim, name) for name in CLAIM_FIELDS})


def item_values(item) -> dict:
    """The grading values of one Evidence row (ItemFacts' fields plus GRADE1_ONLY), read from
    its prefetched reference, contributors and covers."""
    covers = tuple(covered.citekey for covered in item.covers.all())
    return row_values(item, label=item.label, covers=covers)


def row_values(item, *, label: str, covers: tuple[str, ...]) -> dict:
    """`item_values` with the label and covered citekeys given (an unsaved row has neither)."""
    reference = item.reference
    values = {name: getattr(item, name) for name in (*ITEM_FIELDS, *GRADE1_ONLY)}
    values.update(
        label=label,
        citekey=reference.citekey,
        year=reference.year,
        covers=covers,
        record=record_of(reference),
    )
    return values


def item_facts(item) -> ItemFacts:
    """grade-2's facts of one Evidence row (see `item_values`)."""
    return _item_facts(item_values(item))


def _item_facts(values: dict) -> ItemFacts:
    return ItemFacts(**{name: value for name, value in values.items() if name not in GRADE1_ONLY})


def grade1_facts(values: dict) -> EvidenceFacts:
    return EvidenceFacts(
        stance=GRADE1_STANCES.get(values["stance"], values["stance"]),
        design=values["design"],
        population=values["population"],
        sample_size=values["sample_size"],
        effect_value=values["effect_value"],
        ci_low=values["ci_low"],
        ci_high=values["ci_high"],
        null_value=1.0 if values["effect_measure"] == EffectMeasure.RATIO else 0.0,
        risk_of_bias=GRADE1_RISKS.get(values["risk_of_bias"], values["risk_of_bias"]),
        large_effect=values["large_effect"],
        label=values["label"],
    )


def compute_grade(claim, evidence, rubric: str | None = None) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from `evidence`."""
    return grade_values(claim_facts(claim), [item_values(item) for item in evidence], rubric)


def grade_values(
    claim: ClaimFacts, items: list[dict], rubric: str | None = None, *, profile: bool = True
) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from its items' grading
    values (`item_values`, `evidence_values_by_claim`). `profile=False` skips grade-3's
    evidence profile, which storing a grade does not need."""
    rubric = rubric_named(rubric) if rubric else current_rubric()
    if rubric == grade1.RUBRIC:
        return grade1.grade(claim.population, [grade1_facts(values) for values in items])
    if rubric == grade3.RUBRIC:
        facts = [grade3_item(values) for values in items]
        return grade3.grade(grade3_claim(claim), facts, profile=profile)
    return RUBRICS[rubric].grade(claim, [_item_facts(values) for values in items])


# grade-3 reads every grade-2 field; the fields it adds take their defaults until the models
# carry them (the names below are grade-3's, so a value read under that name is passed on).
GRADE3_CLAIM_NAMES = frozenset(field.name for field in dataclasses.fields(grade3.ClaimFacts))
GRADE3_ITEM_NAMES = frozenset(field.name for field in dataclasses.fields(grade3.ItemFacts))


def grade3_claim(claim) -> grade3.ClaimFacts:
    """grade-3's facts of a claim, from grade-2's `ClaimFacts` (or any object with the
    fields' names as attributes)."""
    values = {name: getattr(claim, name) for name in GRADE3_CLAIM_NAMES if hasattr(claim, name)}
    return grade3.ClaimFacts(values.pop("population"), **values)


def grade3_item(values: dict) -> grade3.ItemFacts:
    return grade3.ItemFacts(**{name: v for name, v in values.items() if name in GRADE3_ITEM_NAMES})


def evidence_values_by_claim(evidence) -> dict:
    """{claim id: [grading values of each item of `evidence` (`item_values`)]} in two queries;
    `evidence` is a queryset of Evidence, e.g. of a range of claims.

    For regrading many claims at once, plain values and only the fields grading reads: model
    instances and Django's prefetching (a related manager per item) cost more than grading.
    Labels are those of `Evidence.label` (first author, else first editor, else citekey).
    """
    first_family = Contributor.objects.filter(reference_id=OuterRef("reference_id"))
    first_family = first_family.order_by("role", "position").values("person__family")[:1]
    # In the order of `claim.evidence.all()` for each claim (by claim, then id), without
    # Evidence's default ordering by claim, which is by statement through a join.
    rows = evidence.order_by("claim_id", "pk").values_list(
        "pk",
        "claim_id",
        "reference__citekey",
        "reference__year",
        "reference__verification",
        "reference__retraction",
        Subquery(first_family),
        *ITEM_FIELDS,
        *GRADE1_ONLY,
    )
    names = (*ITEM_FIELDS, *GRADE1_ONLY)
    by_claim, by_pk = {}, {}
    for pk, claim_id, citekey, year, verification, retraction, family, *fields in rows:
        values = dict(zip(names, fields, strict=True))
        label = f"{citekey if family is None else family} {year or 'n.d.'}"
        record = _record(verification, retraction)
        values.update(label=label, citekey=citekey, year=year, covers=(), record=record)
        by_claim.setdefault(claim_id, []).append(values)
        by_pk[pk] = values
    pooled = Evidence.covers.through.objects.filter(evidence__in=evidence.values("pk"))
    for evidence_id, citekey in pooled.order_by("reference__citekey").values_list(
        "evidence_id", "reference__citekey"
    ):
        if evidence_id in by_pk:  # unless added since the evidence was read (a dry run locks none)
            by_pk[evidence_id]["covers"] += (citekey,)
    return by_claim


def claim_grade_profile(claim) -> Grade:
    """The current rubric's grade of `claim`, with its evidence profile, for the claim page.

    Reads `claim.evidence.all()`: prefetch it with `Claim.objects.with_evidence()` (no query
    per item). The profile is None when the current rubric is grade-1.
    """
    return compute_grade(claim, claim.evidence.all())
