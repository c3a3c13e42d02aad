"""API shapes of evidence: on its own (with claim and reference) and inside a claim."""

from rest_framework import serializers

from citations.models import Reference
from citations.serializers import ReferenceSummarySerializer
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


def covers_field(**kwargs) -> SlugField:
    return SlugField(slug_field="citekey", many=True, help_text=COVERS_HELP, **kwargs)


class EvidenceItemSerializer(serializers.ModelSerializer):
    """One evidence item as a claim shows it: what the reference gives, and where to find it."""

    reference = ReferenceSummarySerializer(read_only=True)
    covers = covers_field(read_only=True)

    class Meta:
        model = Evidence
        fields = [*ITEM_FIELDS, "reference"]
        read_only_fields = fields


class EvidenceSerializer(CleanModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:evidence-detail")
    claim = SlugField(slug_field="slug", queryset=Claim.objects.all())
    reference = SlugField(slug_field="citekey", queryset=Reference.objects.all())
    cited = ReferenceSummarySerializer(source="reference", read_only=True)
    covers = covers_field(queryset=Reference.objects.all(), required=False)

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
        extra_kwargs = {
            "outcome": {"default": ""},
            "comparison": {"default": ""},
            "sample_size": {"min_value": 1},
            "i_squared": {"min_value": 0, "max_value": 100},
        }
