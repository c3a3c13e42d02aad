"""What the literature shows: one evidence item is what one reference gives for one claim."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from citations.models import Reference, Retraction, Verification
from claims.access import is_public
from claims.models import Claim
from config.model_checks import choice_constraints
from evidence.choices import (  # noqa: F401 - re-exported: DESIGN and callers name them here
    CISource,
    ComparatorMatch,
    Design,
    DoseResponse,
    EffectMeasure,
    Funding,
    ItemCellSpecies,
    ItemPopulation,
    Match,
    Randomised,
    RiskOfBias,
    RobTool,
    SameDirection,
    SmallStudyEffects,
    SourceAccess,
    Stance,
    Via,
)

DOUBTFUL_VERIFICATION = (Verification.UNVERIFIED, Verification.NOT_FOUND)
CI_ORDER = "The confidence interval must satisfy low <= effect <= high."
CI_NEEDS_BOTH = "Give both ends of the confidence interval, or neither."
RATIO_POSITIVE = "A ratio and its confidence interval must be greater than 0."
I_SQUARED_RANGE = "I² is a percentage between 0 and 100."
DERIVED_CI_NEEDS_HOW = "Say how a derived confidence interval was obtained, and give both ends."


class EvidenceQuerySet(models.QuerySet):
    def public(self):
        """Items of public claims (claims.access)."""
        return self.filter(is_public("claim__"))

    def on_doubtful_records(self):
        """Items whose reference was retracted, corrected, questioned, not found or never
        verified: what the Integrity page lists, by claim."""
        doubtful = Q(reference__verification__in=DOUBTFUL_VERIFICATION) | ~Q(
            reference__retraction=Retraction.NONE
        )
        return (
            self.filter(doubtful)
            .select_related("claim", "reference")
            .order_by("claim__statement", "reference__citekey", "pk")
        )


class EvidenceManager(models.Manager.from_queryset(EvidenceQuerySet)):
    def get_by_natural_key(self, claim_slug, citekey, outcome):
        return self.get(claim__slug=claim_slug, reference__citekey=citekey, outcome=outcome)


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="evidence")
    outcome = models.CharField(
        max_length=200,
        blank=True,
        help_text="What was measured, when a reference gives several items for one claim.",
    )
    stance = models.CharField(
        max_length=12,
        choices=Stance.choices,
        help_text=(
            "What the source does with the claim: tests it and supports, contradicts, finds no"
            " effect or mixed results; asserts it without testing (a textbook); or only"
            " mentions it (never counted)."
        ),
    )
    design = models.CharField(
        max_length=20,
        choices=Design.choices,
        help_text=(
            "The design of the studies that produced the data, e.g. four placebo trials"
            " reported by a review are 'Randomised controlled trial'."
        ),
    )
    via = models.CharField(
        max_length=20,
        choices=Via.choices,
        default=Via.DIRECT,
        help_text=(
            "How we know the result: from the study itself, or through a review that reports"
            " it, e.g. trials summarised by a narrative review."
        ),
    )
    covers = models.ManyToManyField(
        Reference,
        blank=True,
        related_name="covered_by_evidence",
        help_text=(
            "For a meta-analysis or review: the primary studies it pools, so none is counted"
            " twice, e.g. the two trials a meta-analysis combines."
        ),
    )
    comparison = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text=(
            "What was compared, when it is not the claim's main comparison, e.g. 'CEE+MP vs"
            " CEE'. Items join into one study only under the same comparison (case and outer"
            " spaces ignored); leave empty for the claim's main comparison."
        ),
    )
    randomised = models.CharField(
        max_length=12,
        choices=Randomised.choices,
        default=Randomised.NOT_REPORTED,
        help_text=(
            "Did chance decide who got what? For an animal experiment: random allocation"
            " (SYRCLE item 1); knockout versus wild type is a genotype comparison: no."
        ),
    )
    population = models.CharField(max_length=10, choices=ItemPopulation.choices)
    cell_species = models.CharField(
        max_length=10,
        choices=ItemCellSpecies.choices,
        default=ItemCellSpecies.UNSPECIFIED,
        blank=True,
        help_text="For cells evidence: whose cells, e.g. rat calvarial osteoblasts -> animal.",
    )
    population_detail = models.CharField(max_length=300, blank=True)
    population_match = models.CharField(
        max_length=10,
        choices=Match.choices,
        default=Match.DIRECT,
        help_text=(
            "How closely the people (or animals) studied match the claim's, e.g. young men"
            " for a claim about postmenopausal women: related."
        ),
    )
    intervention_match = models.CharField(
        max_length=10,
        choices=Match.choices,
        default=Match.DIRECT,
        help_text=(
            "How closely what was given matches the claim's, e.g. a synthetic progestin for"
            " a claim about progesterone: related."
        ),
    )
    comparator_match = models.CharField(
        max_length=10,
        choices=ComparatorMatch.choices,
        default=ComparatorMatch.DIRECT,
        help_text=(
            "Whether it was compared with what the claim implies, e.g. against another drug"
            " instead of placebo: indirect."
        ),
    )
    outcome_match = models.CharField(
        max_length=10,
        choices=Match.choices,
        default=Match.DIRECT,
        help_text=(
            "How closely what was measured matches the claim's outcome, e.g. bone density"
            " (a surrogate) for a claim about fractures: related."
        ),
    )
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    effect_measure = models.CharField(
        max_length=10, choices=EffectMeasure.choices, default=EffectMeasure.DIFFERENCE
    )
    effect_value = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    effect_unit = models.CharField(max_length=100, blank=True)
    ci_source = models.CharField(
        "confidence interval source",
        max_length=10,
        choices=CISource.choices,
        default=CISource.REPORTED,
        help_text=(
            "Whether the source printed the confidence interval, or it was derived from what"
            " it printed, e.g. from a mean and standard error."
        ),
    )
    ci_derivation = models.CharField(
        "how the interval was derived",
        max_length=300,
        blank=True,
        help_text="For a derived interval, how: e.g. 'mean ± 1.96 × SE from table 2'.",
    )
    i_squared = models.FloatField(
        "I²",
        null=True,
        blank=True,
        help_text="For a meta-analysis: heterogeneity I² in percent, 0 to 100, e.g. 81.",
    )
    same_direction = models.CharField(
        max_length=10,
        choices=SameDirection.choices,
        default=SameDirection.UNKNOWN,
        help_text="For a meta-analysis: do the pooled studies all point the same way? e.g. yes.",
    )
    small_study_effects = models.CharField(
        max_length=15,
        choices=SmallStudyEffects.choices,
        default=SmallStudyEffects.NOT_ASSESSED,
        help_text=(
            "For a meta-analysis: did a funnel plot or Egger test show small-study effects?"
            " e.g. detected."
        ),
    )
    quote = models.TextField(blank=True)
    locator = models.CharField(max_length=100, blank=True, help_text="Page, figure or table.")
    risk_of_bias = models.CharField(
        max_length=15,
        choices=RiskOfBias.choices,
        default=RiskOfBias.NOT_ASSESSED,
        help_text=(
            "The overall judgement of the tool named below, e.g. some concerns: open-label"
            " trial. Not assessed makes the grade provisional; it never lowers it."
        ),
    )
    rob_tool = models.CharField(
        "risk-of-bias tool",
        max_length=10,
        choices=RobTool.choices,
        default=RobTool.NONE,
        blank=True,
        help_text=(
            "The tool the judgement above was made with: RoB 2 (randomised trials), ROBINS-I"
            " (non-randomised studies of interventions), ROBINS-E (of exposures), QUIPS"
            " (prognostic factor studies), SYRCLE (animal experiments)."
        ),
    )
    large_effect = models.BooleanField(
        default=False,
        help_text="Used by the old rubric grade-1 only; grade-2 computes large effects.",
    )
    dose_response = models.CharField(
        max_length=15,
        choices=DoseResponse.choices,
        default=DoseResponse.NOT_ASSESSED,
        help_text="Does more exposure give more effect? e.g. shown: risk falls with each dose.",
    )
    confounding_reduces = models.BooleanField(
        "confounding would reduce the effect",
        default=False,
        help_text=(
            "Tick when plausible confounding would make the effect look smaller than it is,"
            " e.g. sicker patients got the treatment and still did better."
        ),
    )
    funding = models.CharField(
        max_length=15,
        choices=Funding.choices,
        default=Funding.NOT_REPORTED,
        help_text="Who paid for the study, e.g. industry: the drug's maker.",
    )
    source_access = models.CharField(
        max_length=15,
        choices=SourceAccess.choices,
        default=SourceAccess.FULL_TEXT,
        help_text=(
            "What the curator read: the full text, the abstract, another source reporting it,"
            " or only a citation (then it is not counted)."
        ),
    )
    notes = models.TextField(blank=True)
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="curated_evidence",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated"])
    objects = EvidenceManager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "reference", "outcome"], name="evidence_unique_outcome"
            ),
            *choice_constraints(
                "evidence",
                stance=Stance,
                design=Design,
                population=ItemPopulation,
                effect_measure=EffectMeasure,
            ),
            models.CheckConstraint(  # a name of its own: "rob", not "risk_of_bias"
                condition=Q(risk_of_bias__in=RiskOfBias.values), name="evidence_rob_valid"
            ),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True, ci_high__isnull=True)
                | Q(ci_low__isnull=False, ci_high__isnull=False, ci_low__lte=F("ci_high")),
                name="evidence_ci_both_ordered",
            ),
            models.CheckConstraint(
                condition=Q(effect_value__isnull=True)
                | Q(ci_low__isnull=True)
                | Q(ci_low__lte=F("effect_value"), ci_high__gte=F("effect_value")),
                name="evidence_effect_inside_ci",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__isnull=True) | Q(sample_size__gte=1),
                name="evidence_sample_size_positive",
            ),
            *choice_constraints(
                "evidence",
                via=Via,
                cell_species=ItemCellSpecies,
                population_match=Match,
                intervention_match=Match,
                outcome_match=Match,
                comparator_match=ComparatorMatch,
                same_direction=SameDirection,
                small_study_effects=SmallStudyEffects,
                dose_response=DoseResponse,
                funding=Funding,
                source_access=SourceAccess,
                ci_source=CISource,
                randomised=Randomised,
                rob_tool=RobTool,
            ),
            models.CheckConstraint(
                condition=Q(i_squared__isnull=True) | Q(i_squared__gte=0, i_squared__lte=100),
                name="evidence_i_squared_range",
            ),
            models.CheckConstraint(
                condition=~Q(effect_measure=EffectMeasure.RATIO)
                | (
                    (Q(effect_value__isnull=True) | Q(effect_value__gt=0))
                    & (Q(ci_low__isnull=True) | Q(ci_low__gt=0))
                ),
                name="evidence_ratio_positive",
            ),
            models.CheckConstraint(
                condition=Q(ci_source=CISource.REPORTED)
                | (Q(ci_low__isnull=False) & ~Q(ci_derivation="")),
                name="evidence_derived_ci_explained",
            ),
        ]

    def __str__(self):
        return f"{self.reference.citekey} {self.stance} {self.claim.slug}"

    def natural_key(self):
        return (self.claim.slug, self.reference.citekey, self.outcome)

    natural_key.dependencies = ["claims.claim", "citations.reference"]

    def covered_studies(self) -> list:
        """The references this item covers: the `covered` list a prefetch left
        (`Claim.objects.with_evidence()`, `evidence.facts.evidence_for_grading`; a list, not a
        queryset per item, which Django's prefetch would clone and filter for each of a
        200-item claim's rows), else `covers` (prefetched or queried)."""
        found = getattr(self, "covered", None)
        return list(self.covers.all()) if found is None else found

    def clean(self):
        self._clean_ranges()
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValidationError({"ci_high": CI_NEEDS_BOTH})
        if self.ci_low is not None and self.ci_low > self.ci_high:
            raise ValidationError({"ci_low": CI_ORDER})
        inside = self.ci_low is None or self.effect_value is None
        if not inside and not self.ci_low <= self.effect_value <= self.ci_high:
            raise ValidationError({"effect_value": CI_ORDER})

    def _clean_ranges(self):
        if self.i_squared is not None and not 0 <= self.i_squared <= 100:
            raise ValidationError({"i_squared": I_SQUARED_RANGE})
        if self.effect_measure == EffectMeasure.RATIO:
            values = (self.effect_value, self.ci_low, self.ci_high)
            if any(value is not None and not value > 0 for value in values):
                raise ValidationError({"effect_value": RATIO_POSITIVE})
        if self.ci_source == CISource.DERIVED and (
            self.ci_low is None or not self.ci_derivation.strip()
        ):
            raise ValidationError({"ci_derivation": DERIVED_CI_NEEDS_HOW})

    @property
    def null_value(self) -> float:
        return 1.0 if self.effect_measure == EffectMeasure.RATIO else 0.0

    @property
    def label(self) -> str:
        """Short name for reasons and plots: 'Rickard 2008' (uses prefetched contributors)."""
        authors = self.reference.authors or self.reference.editors
        family = authors[0].family if authors else self.reference.citekey
        year = self.reference.year or "n.d."
        return f"{family} {year}"


from evidence.search_models import Candidate, RecordAlert, SavedSearch  # noqa: E402, F401  (living evidence)
