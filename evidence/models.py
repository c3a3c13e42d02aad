"""What the literature shows: one evidence item is what one reference gives for one claim."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from citations.models import Reference
from claims.models import Claim

CI_ORDER = "The confidence interval must satisfy low <= effect <= high."
CI_NEEDS_BOTH = "Give both ends of the confidence interval, or neither."
POPULATION_MISMATCH = "An item's population is humans, animals or cells."


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    MIXED = "mixed", "Mixed"
    ASSERTS = "asserts", "Asserts without testing"


class Design(models.TextChoices):
    META_ANALYSIS_RCT = "meta_analysis_rct", "Meta-analysis of randomised trials"
    RCT = "rct", "Randomised controlled trial"
    META_ANALYSIS_OBS = "meta_analysis_obs", "Meta-analysis of observational studies"
    COHORT = "cohort", "Cohort study"
    CASE_CONTROL = "case_control", "Case-control study"
    CROSS_SECTIONAL = "cross_sectional", "Cross-sectional study"
    CASE_SERIES = "case_series", "Case series"
    ANIMAL = "animal", "Controlled animal experiment"
    IN_VITRO = "in_vitro", "In vitro study"
    NARRATIVE_REVIEW = "narrative_review", "Narrative review"
    TEXTBOOK = "textbook", "Textbook"
    EXPERT_OPINION = "expert_opinion", "Expert opinion"
    POPULAR = "popular", "Popular source"


class ItemPopulation(models.TextChoices):
    HUMANS = "humans", "Humans"
    ANIMALS = "animals", "Animals"
    CELLS = "cells", "Cells"


class EffectMeasure(models.TextChoices):
    DIFFERENCE = "difference", "Difference (no effect at 0)"
    RATIO = "ratio", "Ratio (no effect at 1)"


class RiskOfBias(models.TextChoices):
    LOW = "low", "Low"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    HIGH = "high", "High"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class EvidenceQuerySet(models.QuerySet):
    def public(self):
        from claims.models import PUBLIC_STATUSES

        return self.filter(claim__status__in=PUBLIC_STATUSES)


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
    stance = models.CharField(max_length=12, choices=Stance.choices)
    design = models.CharField(max_length=20, choices=Design.choices)
    population = models.CharField(max_length=10, choices=ItemPopulation.choices)
    population_detail = models.CharField(max_length=300, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    effect_measure = models.CharField(
        max_length=10, choices=EffectMeasure.choices, default=EffectMeasure.DIFFERENCE
    )
    effect_value = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    effect_unit = models.CharField(max_length=100, blank=True)
    quote = models.TextField(blank=True)
    locator = models.CharField(max_length=100, blank=True, help_text="Page, figure or table.")
    risk_of_bias = models.CharField(
        max_length=15, choices=RiskOfBias.choices, default=RiskOfBias.NOT_ASSESSED
    )
    large_effect = models.BooleanField(default=False)
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
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="evidence_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(design__in=Design.values), name="evidence_design_valid"
            ),
            models.CheckConstraint(
                condition=Q(population__in=ItemPopulation.values),
                name="evidence_population_valid",
            ),
            models.CheckConstraint(
                condition=Q(risk_of_bias__in=RiskOfBias.values), name="evidence_rob_valid"
            ),
            models.CheckConstraint(
                condition=Q(effect_measure__in=EffectMeasure.values),
                name="evidence_effect_measure_valid",
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
        ]

    def __str__(self):
        return f"{self.reference.citekey} {self.stance} {self.claim.slug}"

    def natural_key(self):
        return (self.claim.slug, self.reference.citekey, self.outcome)

    natural_key.dependencies = ["claims.claim", "citations.reference"]

    def clean(self):
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValidationError({"ci_high": CI_NEEDS_BOTH})
        if self.ci_low is not None and self.ci_low > self.ci_high:
            raise ValidationError({"ci_low": CI_ORDER})
        inside = self.ci_low is None or self.effect_value is None
        if not inside and not self.ci_low <= self.effect_value <= self.ci_high:
            raise ValidationError({"effect_value": CI_ORDER})

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
