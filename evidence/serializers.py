"""API shapes of evidence: on its own (with claim and reference) and inside a claim."""

from rest_framework import serializers

from citations.models import Reference
from citations.serializers import CleanModelSerializer, ReferenceSummarySerializer, SlugField
from claims.models import Claim
from evidence.models import Evidence

ITEM_FIELDS = [
    "id",
    "outcome",
    "stance",
    "design",
    "population",
    "population_detail",
    "sample_size",
    "effect_measure",
    "effect_value",
    "ci_low",
    "ci_high",
    "effect_unit",
    "quote",
    "locator",
    "risk_of_bias",
    "large_effect",
]


class EvidenceItemSerializer(serializers.ModelSerializer):
    """One evidence item as a claim shows it: what the reference gives, and where to find it."""

    reference = ReferenceSummarySerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = [*ITEM_FIELDS, "reference"]
        read_only_fields = fields


class EvidenceSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:evidence-detail")
    claim = SlugField(slug_field="slug", queryset=Claim.objects.all())
    reference = SlugField(slug_field="citekey", queryset=Reference.objects.all())
    cited = ReferenceSummarySerializer(source="reference", read_only=True)

    class Meta:
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
        extra_kwargs = {"outcome": {"default": ""}, "sample_size": {"min_value": 1}}
