"""API shapes of evidence: on its own (with claim and reference) and inside a claim.

`covers` names, for a reader who sees only public claims, only the studies that reader can
open (those a public claim cites): a citekey only a draft cites never reaches a public
response. A list asks once for all its items (`CoversListSerializer`).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from citations.api.serializers import ReferenceSummarySerializer
from citations.models import Reference
from claims.access import sees_unpublished
from claims.models import Claim
from config.api.serializers import CleanModelSerializer, SlugField
from evidence.models import Evidence

ITEM_FIELDS = [
    "id",
    "outcome",
    "stance",
    "design",
    "via",
    "covers",
    "comparison",
    "randomised",
    "population",
    "cell_species",
    "population_detail",
    "sample_size",
    "population_match",
    "intervention_match",
    "comparator_match",
    "outcome_match",
    "effect_measure",
    "effect_value",
    "ci_low",
    "ci_high",
    "ci_source",
    "ci_derivation",
    "effect_unit",
    "i_squared",
    "same_direction",
    "small_study_effects",
    "risk_of_bias",
    "rob_tool",
    "dose_response",
    "confounding_reduces",
    "funding",
    "source_access",
    "large_effect",
    "quote",
    "locator",
]
COVERS_HELP = 'Citekeys of the primary studies a synthesis pools, e.g. ["prior1990spinal"].'


READABLE_COVERS = "readable_covers"  # serializer context: ids of studies the reader may open


def covers_field(**kwargs) -> SlugField:
    return SlugField(slug_field="citekey", many=True, help_text=COVERS_HELP, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CoveredCitekeysField(serializers.Field):
    """`covers` as a claim shows it (read only): the citekeys of `Evidence.covered_studies()`,
    the list the claim's prefetch left, so no item asks the database."""

    def __init__(self, **kwargs):
        super().__init__(source="covered_studies", read_only=True, help_text=COVERS_HELP, **kwargs)

    def to_representation(self, value):
        return [study.citekey for study in value]


def readable_covers(items, request) -> set[int] | None:
    """Ids of the studies `items` cover that the requester may open; None: every one."""
    if request is None or sees_unpublished(request.user):
        return None
    ids = {study.pk for item in items for study in item.covered_studies()}
    if not ids:
        return set()
    public = Reference.objects.cited_by(Claim.objects.public()).filter(pk__in=ids)
    return set(public.values_list("pk", flat=True))


class CoversListSerializer(serializers.ListSerializer):
    """Evidence items; which covered studies the reader may open is asked once for all."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        readable = readable_covers(items, self.context.get("request"))
        known = self.context.get(READABLE_COVERS, set())
        self.context[READABLE_COVERS] = None if readable is None else known | readable
        return super().to_representation(items)


class ReadableCoversMixin:
    """`covers` lists only the studies the requester may open."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if READABLE_COVERS in self.context:
            readable = self.context[READABLE_COVERS]
        else:
            readable = readable_covers([instance], self.context.get("request"))
        if readable is not None:
            data["covers"] = [s.citekey for s in instance.covered_studies() if s.pk in readable]
        return data


class EvidenceItemSerializer(ReadableCoversMixin, serializers.ModelSerializer):
    """One evidence item as a claim shows it: what the reference gives, and where to find it."""

    reference = ReferenceSummarySerializer(read_only=True)
    covers = CoveredCitekeysField()

    class Meta:
        list_serializer_class = CoversListSerializer
        model = Evidence
        fields = [*ITEM_FIELDS, "reference"]
        read_only_fields = fields


class EvidenceSerializer(ReadableCoversMixin, CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:evidence-detail")
    claim = SlugField(slug_field="slug", queryset=Claim.objects.all())
    reference = SlugField(slug_field="citekey", queryset=Reference.objects.all())
    cited = ReferenceSummarySerializer(source="reference", read_only=True)
    covers = covers_field(queryset=Reference.objects.all(), required=False)

    class Meta:
        list_serializer_class = CoversListSerializer
        model = Evidence
        fields = [
            "api_url",
            "claim",
            "reference",
            "cited",
            *ITEM_FIELDS,
            "notes",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]
        extra_kwargs = {
            "outcome": {"default": ""},
            "comparison": {"default": ""},
            "sample_size": {"min_value": 1},
            "i_squared": {"min_value": 0, "max_value": 100},
        }
