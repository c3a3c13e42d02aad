"""Saved searches and candidates on the API (curators only: evidence.api_living)."""

from rest_framework import serializers

from config.api.serializers import CleanModelSerializer
from evidence.search_models import CANDIDATE_RECORD_FIELDS, Candidate, Decision, SavedSearch

TRIAGE_CHOICES = [(d.value, d.label) for d in Decision if d != Decision.UNTRIAGED]


class SavedSearchSerializer(CleanModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    query = serializers.CharField(max_length=4000, trim_whitespace=True)

    class Meta:
        model = SavedSearch
        fields = [
            "id",
            "source",
            "query",
            "date_from",
            "date_until",
            "filters",
            "created_by",
            "created",
            "last_run_at",
            "last_run_until",
            "found_count",
            "duplicate_count",
        ]
        read_only_fields = [
            "created",
            "last_run_at",
            "last_run_until",
            "found_count",
            "duplicate_count",
        ]

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_until")
        if start and end and start > end:
            raise serializers.ValidationError({"date_until": "Must be on or after date_from."})
        if "claim" in self.context:  # the URL's claim, so the model's checks see it
            attrs["claim"] = self.context["claim"]
        return super().validate(attrs)


class CandidateSerializer(serializers.ModelSerializer):
    search = serializers.PrimaryKeyRelatedField(read_only=True)
    reference = serializers.SlugRelatedField(slug_field="citekey", read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            *CANDIDATE_RECORD_FIELDS,
            "is_alert",
            "found_at",
            "decision",
            "reason",
            "decided_at",
            "reference",
        ]
        read_only_fields = fields


class TriageSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=TRIAGE_CHOICES)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class SearchLineSerializer(serializers.Serializer):
    source = serializers.CharField()
    query = serializers.CharField()
    up_to = serializers.DateField(source="until", allow_null=True)


class FreshnessSerializer(serializers.Serializer):
    """How a claim's evidence was gathered (readers see it; no candidate details)."""

    systematic = serializers.BooleanField(
        help_text="False: evidence collected by curators, not by a systematic search."
    )
    searches = SearchLineSerializer(many=True)
    last_searched = serializers.DateTimeField(allow_null=True)
    under_review = serializers.IntegerField(help_text="New studies found, not yet screened.")
