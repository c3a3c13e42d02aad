"""What is asserted: topics, claims with their stored grade, and relations between claims."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from claims.access import Status
from claims.choices import (
    ClaimCellSpecies,
    ClaimedDirection,
    Direction,
    GradeLevel,
    Population,
    Question,
    RelationKind,
    Scale,
)
from claims.models.querysets import ClaimQuerySet, TopicQuerySet
from config.model_checks import choice_constraints

OVERRIDE_NEEDS_RATIONALE = "An override of the grade needs a rationale."
RATIONALE_NEEDS_OVERRIDE = "A rationale only goes with an override of the grade."
MID_POSITIVE = "The minimal important difference must be greater than 0."
MID_RATIO_ABOVE_ONE = "On the ratio scale the minimal important difference must be greater than 1."
POOLED_CI_NEEDS_BOTH = "Give both ends of the pooled confidence interval, or neither."
POOLED_CI_ORDER = "The pooled confidence interval must satisfy low <= estimate <= high."
POOLED_RATIO_POSITIVE = "A pooled ratio and its confidence interval must be greater than 0."


class TopicManager(models.Manager.from_queryset(TopicQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Topic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    objects = TopicManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topic-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class ClaimManager(models.Manager.from_queryset(ClaimQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Claim(models.Model):
    statement = models.TextField(help_text="One sentence: the assertion.")
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, related_name="claims", blank=True)
    population = models.CharField(
        max_length=10, choices=Population.choices, default=Population.HUMANS
    )
    question = models.CharField(
        max_length=12,
        choices=Question.choices,
        default=Question.EFFECT,
        help_text=(
            "Effect: X causes or changes Y (e.g. progesterone builds bone). Prognostic: people"
            " with X more often get Y, no causal reading (e.g. ovulatory disturbances go with"
            " bone loss); cohorts start high. Association: the old value, graded as an effect"
            " until you choose. Background: a textbook fact, not graded."
        ),
    )
    cell_species = models.CharField(
        max_length=10,
        choices=ClaimCellSpecies.choices,
        default=ClaimCellSpecies.ANY,
        help_text="For a claim about cells: whose cells, e.g. human osteoblasts -> human.",
    )
    mid = models.FloatField(
        "minimal important difference",
        null=True,
        blank=True,
        help_text=(
            "The smallest change in the outcome that matters, in the unit of the claim's"
            " outcome, e.g. 1.0 for '% change in BMD per year', or a ratio above 1, e.g. 1.25"
            " (see the MID scale). Leave empty when unknown."
        ),
    )
    mid_scale = models.CharField(
        "MID scale",
        max_length=10,
        choices=Scale.choices,
        default=Scale.DIFFERENCE,
        help_text=(
            "Difference: the MID is in the unit of the claim's outcome. Ratio: the MID is a"
            " ratio, e.g. 1.25 (then 0.8 to 1.25 counts as trivial)."
        ),
    )
    claimed_direction = models.CharField(
        max_length=12,
        choices=ClaimedDirection.choices,
        default=ClaimedDirection.UNSPECIFIED,
        help_text=(
            "Which way the claim says the outcome moves, e.g. increase for 'raises BMD';"
            " either for 'influences'; none for a claim that nothing changes. Confidence"
            " intervals are read against it."
        ),
    )
    pooled_measure = models.CharField(
        max_length=10,
        choices=Scale.choices,
        default=Scale.DIFFERENCE,
        help_text="The scale of the pooled estimate below.",
    )
    pooled_value = models.FloatField(
        null=True,
        blank=True,
        help_text=(
            "Optional: one estimate pooling the deciding studies (e.g. from a meta-analysis"
            " of exactly them), in the claim's outcome unit."
        ),
    )
    pooled_ci_low = models.FloatField("pooled 95% CI low", null=True, blank=True)
    pooled_ci_high = models.FloatField("pooled 95% CI high", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    grade_level = models.CharField(max_length=12, choices=GradeLevel.choices, blank=True)
    grade_direction = models.CharField(max_length=15, choices=Direction.choices, blank=True)
    grade_provisional = models.BooleanField(
        default=False,
        editable=False,
        help_text="Computed: a deciding study's risk of bias is not assessed yet.",
    )
    grade_reasons = models.JSONField(default=list, blank=True)
    grade_rubric = models.CharField(
        max_length=20, blank=True, help_text="The rubric that computed the stored grade."
    )
    grade_deciding = models.PositiveIntegerField(
        null=True,
        editable=False,
        help_text=(
            "Computed: how many studies decide the grade, what list pages show (empty when"
            " none do: grade-1, insufficient, not graded)."
        ),
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    grade_override = models.CharField(
        max_length=12,
        choices=GradeLevel.choices,
        blank=True,
        help_text="A curator's level, shown beside the computed one.",
    )
    override_rationale = models.TextField(blank=True)
    retraction_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True, help_text="Last reviewed.")
    source_text = models.TextField(
        blank=True, help_text="The claim as the source article worded it, when it differs."
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="curated_claims",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="submitted_claims",
        help_text="Who submitted the claim for review: someone else publishes it (four eyes).",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Filled by a database trigger on PostgreSQL (citations.search); never written by Python.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    history = HistoricalRecords(excluded_fields=["updated", "search_vector"])
    objects = ClaimManager()

    class Meta:
        ordering = ["statement"]
        # The workflow steps that change what readers see, each its own permission
        # (claims.access grants them to the Curators group).
        permissions = [
            ("publish_claim", "Can publish a claim or return it to draft"),
            ("retract_claim", "Can retract a claim"),
            ("override_grade", "Can override a claim's computed grade"),
        ]
        indexes = [  # one per ordering the pages offer: lists by statement, home by review
            models.Index(fields=["statement"], name="claim_statement"),
            models.Index(fields=["-reviewed_at", "-updated"], name="claim_recently_reviewed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_override="", override_rationale="")
                | (~Q(grade_override="") & ~Q(override_rationale="")),
                name="claim_override_needs_rationale",
            ),
            *choice_constraints(
                "claim",
                status=Status,
                population=Population,
                question=Question,
                cell_species=ClaimCellSpecies,
                mid_scale=Scale,
                claimed_direction=ClaimedDirection,
                pooled_measure=Scale,
            ),
            models.CheckConstraint(
                condition=Q(mid__isnull=True) | Q(mid__gt=0), name="claim_mid_positive"
            ),
            models.CheckConstraint(
                condition=~Q(mid_scale=Scale.RATIO) | Q(mid__isnull=True) | Q(mid__gt=1),
                name="claim_mid_ratio_above_one",
            ),
            models.CheckConstraint(
                condition=Q(pooled_ci_low__isnull=True, pooled_ci_high__isnull=True)
                | Q(
                    pooled_ci_low__isnull=False,
                    pooled_ci_high__isnull=False,
                    pooled_ci_low__lte=F("pooled_ci_high"),
                ),
                name="claim_pooled_ci_both_ordered",
            ),
            models.CheckConstraint(
                condition=Q(pooled_value__isnull=True)
                | Q(pooled_ci_low__isnull=True)
                | Q(pooled_ci_low__lte=F("pooled_value"), pooled_ci_high__gte=F("pooled_value")),
                name="claim_pooled_value_inside_ci",
            ),
            models.CheckConstraint(
                condition=~Q(pooled_measure=Scale.RATIO)
                | (
                    (Q(pooled_value__isnull=True) | Q(pooled_value__gt=0))
                    & (Q(pooled_ci_low__isnull=True) | Q(pooled_ci_low__gt=0))
                ),
                name="claim_pooled_ratio_positive",
            ),
            *choice_constraints(
                "claim",
                blank=True,
                grade_level=GradeLevel,
                grade_override=GradeLevel,
                grade_direction=Direction,
            ),
        ]

    def __str__(self):
        return self.statement

    def get_absolute_url(self):
        return reverse("claim-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.grade_override and not self.override_rationale.strip():
            raise ValidationError({"override_rationale": OVERRIDE_NEEDS_RATIONALE})
        if self.override_rationale.strip() and not self.grade_override:
            raise ValidationError({"grade_override": RATIONALE_NEEDS_OVERRIDE})
        if self.mid is not None and not self.mid > 0:
            raise ValidationError({"mid": MID_POSITIVE})
        if self.mid is not None and self.mid_scale == Scale.RATIO and not self.mid > 1:
            raise ValidationError({"mid": MID_RATIO_ABOVE_ONE})
        self._clean_pooled()

    def _clean_pooled(self):
        low, high, value = self.pooled_ci_low, self.pooled_ci_high, self.pooled_value
        if (low is None) != (high is None):
            raise ValidationError({"pooled_ci_high": POOLED_CI_NEEDS_BOTH})
        if self.pooled_measure == Scale.RATIO and any(
            number is not None and not number > 0 for number in (value, low, high)
        ):
            raise ValidationError({"pooled_value": POOLED_RATIO_POSITIVE})
        if low is not None and low > high:
            raise ValidationError({"pooled_ci_low": POOLED_CI_ORDER})
        if low is not None and value is not None and not low <= value <= high:
            raise ValidationError({"pooled_value": POOLED_CI_ORDER})

    @property
    def effective_level(self):
        return self.grade_override or self.grade_level


class ClaimRelationManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_claim__slug=from_slug, to_claim__slug=to_slug, kind=kind)


class ClaimRelation(models.Model):
    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(
        max_length=12,
        choices=RelationKind.choices,
        help_text=(
            "Read from this claim to the other: this claim refines, contradicts, depends on or"
            " is part of that one. Part of: this claim is one outcome of the other's bundled"
            " statement, which is then not graded itself but through its parts."
        ),
    )
    note = models.TextField(blank=True)

    objects = ClaimRelationManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"], name="claimrelation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_claim=models.F("to_claim")), name="claimrelation_not_self"
            ),
            *choice_constraints("claimrelation", kind=RelationKind),
        ]

    def __str__(self):
        return f"{self.from_claim.slug} {self.kind} {self.to_claim.slug}"

    def natural_key(self):
        return (self.from_claim.slug, self.to_claim.slug, self.kind)

    natural_key.dependencies = ["claims.claim"]
