"""What is asserted: topics, claims with their stored grade, and relations between claims."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citations.models import Contributor
from citations.search import ranked_search

OVERRIDE_NEEDS_RATIONALE = "An override of the grade needs a rationale."
RATIONALE_NEEDS_OVERRIDE = "A rationale only goes with an override of the grade."


class Population(models.TextChoices):
    HUMANS = "humans", "Humans"
    ANIMALS = "animals", "Animals"
    CELLS = "cells", "Cells"
    ANY = "any", "Any"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETRACTED)


class GradeLevel(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"
    INSUFFICIENT = "insufficient", "Insufficient"


class Direction(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    CONTESTED = "contested", "Contested"
    CONTRADICTED = "contradicted", "Contradicted"
    NONE = "none", "No testing evidence"


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "Contradicts"
    REFINES = "refines", "Refines"
    DEPENDS_ON = "depends_on", "Depends on"


class TopicManager(models.Manager):
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


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        """What anonymous readers see: published claims, and retracted ones (with a banner)."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user):
        """Every claim for curators; the public ones for everyone else."""
        from claims.curators import sees_unpublished

        return self if sees_unpublished(user) else self.public()

    def with_evidence(self):
        from evidence.models import Evidence  # evidence.models imports this module

        return self.prefetch_related(
            "topics",
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("reference").prefetch_related(
                    Prefetch(
                        "reference__contributors",
                        queryset=Contributor.objects.select_related("person"),
                    )
                ),
            ),
        )

    def search(self, query: str):
        """Full-text search of statement, summary and source wording (statement weighs most)."""
        return ranked_search(
            self,
            query,
            weights={"statement": "A", "summary": "B", "source_text": "C"},
            tiebreak="statement",
        )

    def with_stance_counts(self):
        return self.annotate(
            supporting_count=Count("evidence", filter=Q(evidence__stance="supports")),
            contradicting_count=Count("evidence", filter=Q(evidence__stance="contradicts")),
            mixed_count=Count("evidence", filter=Q(evidence__stance="mixed")),
        )

    def with_level(self, level: str):
        """Claims whose effective level (the curator's override, else computed) is `level`."""
        return self.filter(level_is(level))

    def with_relations(self):
        """Prefetch related claims in both directions, public ones only."""
        return self.prefetch_related(
            Prefetch(
                "relations_from",
                queryset=ClaimRelation.objects.filter(
                    to_claim__status__in=PUBLIC_STATUSES
                ).select_related("to_claim"),
            ),
            Prefetch(
                "relations_to",
                queryset=ClaimRelation.objects.filter(
                    from_claim__status__in=PUBLIC_STATUSES
                ).select_related("from_claim"),
            ),
        )


def level_is(level: str) -> Q:
    return Q(grade_override=level) | Q(grade_override="", grade_level=level)


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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    grade_level = models.CharField(max_length=12, choices=GradeLevel.choices, blank=True)
    grade_direction = models.CharField(max_length=12, choices=Direction.choices, blank=True)
    grade_reasons = models.JSONField(default=list, blank=True)
    grade_rubric = models.CharField(max_length=20, blank=True)
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

    history = HistoricalRecords(excluded_fields=["updated"])
    objects = ClaimManager()

    class Meta:
        ordering = ["statement"]
        # The workflow steps that change what readers see, each its own permission
        # (claims.curators grants them to the Curators group).
        permissions = [
            ("publish_claim", "Can publish a claim or return it to draft"),
            ("retract_claim", "Can retract a claim"),
            ("override_grade", "Can override a claim's computed grade"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_override="", override_rationale="")
                | (~Q(grade_override="") & ~Q(override_rationale="")),
                name="claim_override_needs_rationale",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(population__in=Population.values), name="claim_population_valid"
            ),
            models.CheckConstraint(
                condition=Q(grade_level="") | Q(grade_level__in=GradeLevel.values),
                name="claim_grade_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(grade_override="") | Q(grade_override__in=GradeLevel.values),
                name="claim_grade_override_valid",
            ),
            models.CheckConstraint(
                condition=Q(grade_direction="") | Q(grade_direction__in=Direction.values),
                name="claim_grade_direction_valid",
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

    @property
    def effective_level(self):
        return self.grade_override or self.grade_level


class ClaimRelationManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_claim__slug=from_slug, to_claim__slug=to_slug, kind=kind)


class ClaimRelation(models.Model):
    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations_to")
    kind = models.CharField(max_length=12, choices=RelationKind.choices)
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
            models.CheckConstraint(
                condition=Q(kind__in=RelationKind.values), name="claimrelation_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.from_claim.slug} {self.kind} {self.to_claim.slug}"

    def natural_key(self):
        return (self.from_claim.slug, self.to_claim.slug, self.kind)

    natural_key.dependencies = ["claims.claim"]


class ReviewNote(models.Model):
    """A reviewer's comment on a claim, kept beside it until someone marks it resolved."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="review_notes",
    )
    created = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["claim", "created", "id"]

    def __str__(self):
        return f"Note by {self.author or 'someone'} on {self.created:%Y-%m-%d}"
