"""What is asserted: topics, claims with their stored grade, and relations between claims."""

from functools import cache

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from citations.models import CONTRIBUTOR_ROWS, Contributor, Reference, Retraction
from citations.search import ranked_search
from claims.access import Status, is_public, sees_unpublished
from claims.choices import (  # noqa: F401 - re-exported: DESIGN and callers name them here
    ClaimCellSpecies,
    ClaimedDirection,
    Direction,
    GradeLevel,
    Population,
    Question,
    RelationKind,
    RevisionStatus,
    Scale,
)
from config.model_checks import choice_constraints

OVERRIDE_NEEDS_RATIONALE = "An override of the grade needs a rationale."
RATIONALE_NEEDS_OVERRIDE = "A rationale only goes with an override of the grade."
MID_POSITIVE = "The minimal important difference must be greater than 0."
MID_RATIO_ABOVE_ONE = "On the ratio scale the minimal important difference must be greater than 1."
POOLED_CI_NEEDS_BOTH = "Give both ends of the pooled confidence interval, or neither."
POOLED_CI_ORDER = "The pooled confidence interval must satisfy low <= estimate <= high."
SEARCH_TIEBREAK = "statement"  # claims of equal rank, in this order
POOLED_RATIO_POSITIVE = "A pooled ratio and its confidence interval must be greater than 0."


class TopicQuerySet(models.QuerySet):
    def public(self):
        """Topics anonymous readers see: those of at least one public claim. A topic only
        drafts use stays unseen (its name alone could tell what is being prepared)."""
        public_claims = Claim.objects.public().filter(topics=models.OuterRef("pk"))
        return self.filter(models.Exists(public_claims))

    def visible_to(self, user):
        """Every topic for curators; the public ones for everyone else."""
        return self if sees_unpublished(user) else self.public()


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


class ClaimQuerySet(models.QuerySet):
    def public(self):
        """What anonymous readers see: published claims, and retracted ones (with a banner).
        The one definition of "public" (claims.access, docs/architecture.md)."""
        return self.filter(is_public())

    def visible_to(self, user):
        """Every claim for curators; the public ones for everyone else."""
        return self if sees_unpublished(user) else self.public()

    def with_evidence(self):
        """Prefetch topics and evidence with all that grading (evidence.facts) and the pages
        read: each item's reference, the references' contributors with their people, the
        studies an item covers (as evidence.facts.evidence_for_grading does for evidence rows),
        and in `part_relations` the `part_of` relations to the claim with their parts, public
        or not (a claim with parts is graded through them; evidence.facts.parts_of keeps a
        public claim's public parts only).
        Reached by relation: claims' models import nothing from evidence."""
        return self.prefetch_related(
            "topics",
            # Each claim's items and each reference's people in their models' order, by keys:
            # the default orderings sort by the claim's statement and the reference's citekey
            # through a join (claim and reference are one per prefetched list).
            Prefetch(
                "evidence",
                queryset=_evidence_model()
                .objects.select_related("reference")
                .order_by("claim_id", "pk"),
            ),
            Prefetch(
                "evidence__reference__contributors",
                queryset=Contributor.objects.select_related("person").order_by(
                    "reference_id", "role", "position"
                ),
                to_attr=CONTRIBUTOR_ROWS,  # a list: read by Reference.listed_contributors()
            ),
            Prefetch(
                "evidence__covers",
                queryset=Reference.objects.only("id", "citekey"),
                to_attr="covered",
            ),
            Prefetch(
                "relations_to",
                queryset=ClaimRelation.objects.filter(kind=RelationKind.PART_OF)
                .select_related("from_claim")
                .order_by("from_claim__slug"),
                to_attr="part_relations",
            ),
        )

    def search(self, query: str):
        """Full-text search of statement, summary and source wording (statement weighs most)."""
        return ranked_search(self, query, tiebreak=SEARCH_TIEBREAK)

    def page_version(self, slug: str):
        """What a claim page shows, as one comparable value, or None when there is no such
        claim (claims.page_cache). One indexed row: the claim's `updated`, which triggers move
        whenever its evidence, their references or the references' authors change (claims
        migrations 0009 and 0010), and its grade's `graded_at`."""
        return self.filter(slug=slug).values_list("updated", "graded_at").first()

    def with_stance_counts(self):
        """`supporting_count`, `contradicting_count`, `mixed_count`: one correlated subquery
        each, which PostgreSQL evaluates for the rows of the page only (after ORDER BY and
        LIMIT), where a join and GROUP BY would count the evidence of every claim first.
        Evidence from a retracted paper counts for nothing, so it is not counted here."""
        return self.annotate(
            supporting_count=_evidence_count("supports"),
            contradicting_count=_evidence_count("contradicts", "no_effect"),  # both count against
            mixed_count=_evidence_count("mixed"),
        ).with_retracted_tests()

    def with_retracted_tests(self):
        """`retracted_tests`: how many items that tested the claim cite a retracted paper
        (what the wording of an ungraded claim says; claims.integrity)."""
        testing = ("supports", "contradicts", "no_effect", "mixed")
        return self.annotate(retracted_tests=_evidence_count(*testing, retracted=True))

    def for_lists(self):
        """What a list page shows of each claim, in the claims' own query: its `LIST_FIELDS`
        only (a claim's other columns, its texts and search vector among them, cost more to
        read than the page's query), `retracted_tests` and `topic_ids` (its topics' ids, in
        one array; claims.pages.with_list_topics gives them their topics without a query)."""
        listed = self.only(*LIST_FIELDS).with_retracted_tests()
        return listed.annotate(topic_ids=_topic_ids())

    def with_level(self, level: str):
        """Claims whose effective level (the curator's override, else computed) is `level`."""
        return self.filter(level_is(level))

    def with_relations(self):
        """Prefetch related claims in both directions, public ones only."""
        return self.prefetch_related(
            Prefetch(
                "relations_from",
                queryset=ClaimRelation.objects.filter(is_public("to_claim__")).select_related(
                    "to_claim"
                ),
            ),
            Prefetch(
                "relations_to",
                queryset=ClaimRelation.objects.filter(is_public("from_claim__")).select_related(
                    "from_claim"
                ),
            ),
        )


def _evidence_model():
    """Evidence, reached through the relation: claims' models import nothing from evidence."""
    return Claim._meta.get_field("evidence").related_model


# What a list item shows of a claim (templates/claims/_claim_item.html, its badge) and what
# its count of deciding studies reads (claims.pages.deciding_count); the fragment of a listed
# claim is kept under these values (claims/templatetags/fragments.py).
LIST_FIELDS = (
    "id",
    "slug",
    "statement",
    "status",
    "grade_level",
    "grade_override",
    "grade_direction",
    "grade_rubric",
    "grade_deciding",
)


@cache
def _topic_ids():
    """The ids of the outer claim's topics, in one array (built once: see `_evidence_count`)."""
    links = Claim.topics.through.objects.filter(claim_id=OuterRef("pk")).order_by("topic_id")
    return ArraySubquery(links.values("topic_id"))


@cache
def _evidence_count(*stances: str, retracted: bool = False):
    """Items of these stances citing a retracted paper (`retracted`), or any other paper.

    Built once per process: every list page annotates with these, and building the
    subquery (its filters, joins and grouping) cost more than running it. Safe to share:
    `annotate` resolves a copy, with a copy of the subquery's query."""
    items = _evidence_model().objects.filter(claim=OuterRef("pk"), stance__in=stances)
    is_retracted = Q(reference__retraction=Retraction.RETRACTED)
    items = items.filter(is_retracted if retracted else ~is_retracted).order_by()
    return Coalesce(Subquery(items.values("claim").annotate(n=Count("pk")).values("n")), 0)


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


class ClaimRevision(models.Model):
    """A change to a public claim waiting for a second curator (evidence.revisions).

    `snapshot` is the whole pending version as JSON: {"claim": {field: value}, "evidence":
    [{"id": pk or None, field: value, ...}], "relations": [{"id": pk or None, "to_claim": pk,
    "kind": ..., "note": ...}]} (the relations from the claim; absent in a revision stored
    before relations were staged, which leaves them as they are). Readers keep reading the live
    rows; approving writes the snapshot onto them. `authors` are everyone who added to it;
    `decided_by` approved or discarded it. A claim has at most one pending revision.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="revisions")
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="claim_revisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decided_claim_revisions",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(status=RevisionStatus.PENDING),
                name="claimrevision_one_pending",
            ),
            *choice_constraints("claimrevision", status=RevisionStatus),
        ]

    def __str__(self):
        return f"Revision {self.pk} of {self.claim.slug} ({self.status})"


class ApiToken(AbstractAuthToken):
    """A curator's API token: django-rest-knox's token (`digest`, the SHA-512 of the key, is
    all that is stored of it; `token_key`, its first 15 characters, finds the row) with its
    `expiry` and `last_used` (the time of the last request it authenticated, to the minute).
    """

    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"API token {self.token_key}… of {self.user}"


class PublicCount(models.Model):
    """One change (`delta`) of one public count (`kind`, `value`), appended by a trigger:
    claims.counts says which counts there are and how they are kept and read."""

    kind = models.CharField(max_length=12)
    value = models.CharField(max_length=40, blank=True)
    delta = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="claims_publiccount_key")]

    def __str__(self):
        return f"{self.kind} {self.value}: {self.delta:+d}"
