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
- grade-2 predates grade-3's inputs: it reads `question=prognostic` as `association` (its
  word for "cohorts start high") and a `mid` only on the difference scale; it ignores the
  rest. grade-3 reads them all, a claim's `parts` (the slugs of the claims related to it as
  `part_of`; a public claim's public ones only, `parts_by_claim`) and each item's
  risk-of-bias tool by its name ("RoB 2").
- A rubric's facts are built from the values that are fields of its dataclasses: the claim's
  grading values (`claim_values`) and each item's (`item_values`) are one dict for every rubric.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Prefetch, Subquery

from citations.models import Contributor, Reference
from claims.access import counts_for, counts_for_status
from claims.models import ClaimRelation, RelationKind, Scale
from evidence.models import EffectMeasure, Evidence, RobTool
from evidence.rubrics import RUBRICS, Grade, grade1, grade2, grade3
from evidence.rubrics.grade1 import EvidenceFacts

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
        Prefetch("covers", queryset=Reference.objects.only("id", "citekey"), to_attr="covered"),
    )


def record_of(reference) -> str:
    return _record(reference.verification, reference.retraction)


def _record(verification: str, retraction: str) -> str:
    return retraction if retraction in RECORD_RETRACTIONS else verification


# The Claim fields that are ClaimFacts fields of the same name and meaning (grade-3's; grade-2
# reads the first four).
CLAIM_FIELDS = (
    "population",
    "question",
    "cell_species",
    "mid",
    "mid_scale",
    "claimed_direction",
    "pooled_measure",
    "pooled_value",
    "pooled_ci_low",
    "pooled_ci_high",
)
GRADE2_QUESTIONS = {"prognostic": "association"}
ROB_TOOL_NAMES = {
    value: ("" if value == RobTool.NONE else label) for value, label in RobTool.choices
}
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
    "rob_tool",
    "ci_source",
    "comparison",
    "randomised",
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


def claim_values(claim, parts: tuple[str, ...] | None = None) -> dict:
    """The grading values of `claim` (a Claim, or a row with CLAIM_FIELDS) and the slugs of
    its parts: `parts` when given, else read from the claim (`parts_of`)."""
    values = {name: getattr(claim, name) for name in CLAIM_FIELDS}
    values["parts"] = parts_of(claim) if parts is None else tuple(parts)
    return values


PARTS_PREFETCH = "part_relations"  # the attribute `Claim.objects.with_evidence()` fills


def parts_of(claim) -> tuple[str, ...]:
    """Slugs of the claims that count as parts of `claim` (relation `part_of` to it; only the
    public ones when `claim` is public: `counts_for`), in slug order: from the prefetch of
    `with_evidence()` when there, else one query (none for a new claim)."""
    relations = getattr(claim, PARTS_PREFETCH, None)
    if relations is not None:
        return tuple(
            sorted(
                relation.from_claim.slug
                for relation in relations
                if counts_for_status(claim.status, relation.from_claim.status)
            )
        )
    if claim.pk is None:
        return ()
    return tuple(parts_by_claim([claim.pk]).get(claim.pk, ()))


def parts_by_claim(claim_ids) -> dict:
    """{claim id: (slugs of its parts, in order)} for `claim_ids` (ids or a query of them),
    in one query; claims without parts are absent.

    A published or retracted claim's parts are its public ones only (claims.access,
    `counts_for`): a draft related to it as `part_of` changes nothing readers see until the
    draft is published, which regrades the whole (claims.services); a draft or a claim in
    review counts every part, so curators see what publishing would do."""
    rows = ClaimRelation.objects.filter(kind=RelationKind.PART_OF, to_claim_id__in=claim_ids)
    rows = rows.filter(counts_for("to_claim__", "from_claim__"))
    parts = {}
    for whole, slug in rows.order_by("from_claim__slug").values_list(
        "to_claim_id", "from_claim__slug"
    ):
        parts[whole] = (*parts.get(whole, ()), slug)
    return parts


def item_values(item) -> dict:
    """The grading values of one Evidence row (ItemFacts' fields plus GRADE1_ONLY), read from
    its prefetched reference, contributors and covers."""
    covers = tuple(study.citekey for study in item.covered_studies())
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


def item_facts(item, rubric: str = grade2.RUBRIC):
    """`rubric`'s facts (grade-2 or grade-3 ItemFacts) of one Evidence row (`item_values`)."""
    return _item_facts(RUBRICS[rubric_named(rubric)], item_values(item))


def _item_facts(module, values: dict):
    if module is grade3:
        values = {**values, "rob_tool": ROB_TOOL_NAMES.get(values["rob_tool"], values["rob_tool"])}
    return _facts(module.ItemFacts, values)


def _claim_facts(module, values: dict):
    if module is grade2:
        question = values["question"]
        values = {
            **values,
            "question": GRADE2_QUESTIONS.get(question, question),
            "mid": values["mid"] if values["mid_scale"] == Scale.DIFFERENCE else None,
        }
    return _facts(module.ClaimFacts, values)


def _facts(cls, values: dict):
    """An instance of the dataclass `cls` from those of `values` that are its fields."""
    names = _field_names(cls)
    return cls(**{name: value for name, value in values.items() if name in names})


_FIELD_NAMES: dict = {}


def _field_names(cls) -> frozenset:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = frozenset(field.name for field in dataclasses.fields(cls))
    return _FIELD_NAMES[cls]


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


def compute_grade(claim, evidence, rubric: str | None = None, *, profile: bool = True) -> Grade:
    """The grade `rubric` (default: the current one) gives `claim` from `evidence`."""
    items = [item_values(item) for item in evidence]
    return grade_values(claim_values(claim), items, rubric, profile=profile)


def grade_values(
    claim: dict, items: list[dict], rubric: str | None = None, *, profile: bool = True
) -> Grade:
    """The grade `rubric` (default: the current one) gives a claim from its grading values
    (`claim_values`) and its items' (`item_values`, `evidence_values_by_claim`).
    `profile=False` skips grade-3's evidence profile, which storing a grade does not need."""
    rubric = rubric_named(rubric) if rubric else current_rubric()
    if rubric == grade1.RUBRIC:
        return grade1.grade(claim["population"], [grade1_facts(values) for values in items])
    module = RUBRICS[rubric]
    facts = [_item_facts(module, values) for values in items]
    if module is grade3:
        return grade3.grade(_claim_facts(module, claim), facts, profile=profile)
    return module.grade(_claim_facts(module, claim), facts)


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
