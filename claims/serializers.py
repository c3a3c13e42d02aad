"""API shapes of topics and claims: a short list shape, and a detail shape with evidence."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import integrity
from claims.models import Claim, ClaimRelation, Direction, GradeLevel, Topic
from claims.verdict import reader_wording
from config.api.serializers import CleanModelSerializer, SlugField
from evidence.facts import CLAIM_FIELDS
from evidence.living import freshness
from evidence.serializers import EvidenceItemSerializer
from evidence.serializers_living import FreshnessSerializer

GRADE_FIELDS = [
    "grade_level",
    "grade_direction",
    "grade_provisional",
    "grade_reasons",
    "grade_rubric",
    "graded_at",
    "grade_override",
    "override_rationale",
]


class ClaimListSerializer(serializers.ModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:claim-detail", lookup_field="slug"
    )
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    topics = SlugField(slug_field="slug", many=True, queryset=Topic.objects.all(), required=False)
    plain_language = serializers.SerializerMethodField()
    # Declared so the schema says they may be empty (not graded yet, no override).
    grade_level = serializers.ChoiceField(GradeLevel.choices, allow_blank=True, read_only=True)
    grade_direction = serializers.ChoiceField(Direction.choices, allow_blank=True, read_only=True)
    grade_override = serializers.ChoiceField(GradeLevel.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Claim
        fields = [
            "slug",
            "api_url",
            "page_url",
            "statement",
            "status",
            "population",
            "question",
            "topics",
            "grade_level",
            "grade_direction",
            "grade_provisional",
            "grade_override",
            "plain_language",
            "updated",
        ]
        read_only_fields = fields

    def get_plain_language(self, claim) -> str:
        """The grade in words, from the curator's override when there is one; a retracted
        claim states no verdict; one whose every test was retracted says so."""
        return reader_wording(claim, retracted=getattr(claim, "retracted_tests", 0))


class ClaimSerializer(CleanModelSerializer, ClaimListSerializer):
    evidence = EvidenceItemSerializer(many=True, read_only=True)
    cites_retracted = serializers.SerializerMethodField(
        help_text="True when any cited paper was retracted (its evidence counts in no grade)."
    )
    evidence_searched = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            *ClaimListSerializer.Meta.fields,
            "summary",
            "source_text",
            # Every claim field grading reads, so a reader can check the grade's inputs.
            *[field for field in CLAIM_FIELDS if field not in ClaimListSerializer.Meta.fields],
            *[
                field
                for field in GRADE_FIELDS
                if field not in ("grade_override", "grade_provisional")
            ],
            "retraction_reason",
            "published_at",
            "reviewed_at",
            "cites_retracted",
            "evidence_searched",
            "evidence",
            "created",
        ]
        # Grading writes the computed grade; the workflow actions (claims.services) write the
        # status, the override and the retraction, each with its rules and its history.
        read_only_fields = [
            "status",
            *GRADE_FIELDS,
            "retraction_reason",
            "published_at",
            "reviewed_at",
            "created",
            "updated",
        ]

    def get_plain_language(self, claim) -> str:
        items = claim.evidence.all()  # prefetched (Claim.objects.with_evidence)
        return reader_wording(claim, retracted=integrity.retracted_tests(items))

    def get_cites_retracted(self, claim) -> bool:
        return any(integrity.is_retracted(item) for item in claim.evidence.all())

    @extend_schema_field(FreshnessSerializer)
    def get_evidence_searched(self, claim) -> dict:
        return FreshnessSerializer(freshness(claim)).data


class ClaimRelationSerializer(serializers.ModelSerializer):
    """A relation from one claim (`from_claim`, the claim in the address) to another, by slug."""

    from_claim = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_claim = serializers.SlugRelatedField(slug_field="slug", queryset=Claim.objects.all())

    class Meta:
        model = ClaimRelation
        fields = ["id", "from_claim", "to_claim", "kind", "note"]


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the claim no longer stands; shown with it.")


class OverrideGradeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=GradeLevel.choices, allow_blank=True, help_text="Empty clears the override."
    )
    rationale = serializers.CharField(allow_blank=True, required=False, default="")


class TopicSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:topic-detail", lookup_field="slug"
    )
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Topic
        fields = ["slug", "api_url", "page_url", "name", "description"]


class TopicDetailSerializer(TopicSerializer):
    claims = ClaimListSerializer(source="visible_claims", many=True, read_only=True)

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "claims"]
