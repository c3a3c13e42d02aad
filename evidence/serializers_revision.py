"""API shape of a staged revision (evidence.revisions): who wrote it, who decided, and live
vs pending with a word diff of each changed text."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import ClaimRevision
from evidence.revisions import revision_changes


class RunSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(["same", "removed", "added"])
    text = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    live = serializers.CharField(allow_blank=True)
    pending = serializers.CharField(allow_blank=True)
    diff = serializers.SerializerMethodField()

    @extend_schema_field(RunSerializer(many=True))
    def get_diff(self, change) -> list[dict]:
        return [{"kind": kind, "text": text} for kind, text in change.runs]


class ClaimRevisionSerializer(serializers.ModelSerializer):
    claim = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    authors = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    changes = serializers.SerializerMethodField(help_text="Live vs pending, while pending.")

    class Meta:
        model = ClaimRevision
        fields = [
            "id",
            "claim",
            "status",
            "authors",
            "decided_by",
            "created",
            "updated",
            "decided_at",
            "changes",
        ]
        read_only_fields = fields

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, revision) -> list[dict]:
        return ChangeSerializer(revision_changes(revision), many=True).data
