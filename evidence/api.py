"""Evidence items on the API: anyone reads those of public claims; curators write.

Writes go through `evidence.services`, which regrades the claims they touch in the same
transaction. References are read here too (`CitedReferenceViewSet`): a reference is public
through the evidence it gives a public claim, and a changed verification regrades the claims
citing it, two things citations cannot know. A write to an item of a public claim (adding,
changing or deleting it) is staged instead (evidence.revisions): 202 with the claim's pending
revision, and readers keep the published version until another curator approves it.
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from citations.api.views import YEARS, ReferenceFilter, ReferenceViewSet
from citations.models import Reference
from claims.access import sees_unpublished
from claims.models import Claim
from config.api.filters import YearFilter
from config.api.url_keys import LOOKUP_REGEX
from evidence.locks import claims_lock, rows_locked_with_claims
from evidence.models import (
    Design,
    Evidence,
    Funding,
    ItemPopulation,
    RiskOfBias,
    SourceAccess,
    Stance,
    Via,
)
from evidence.revisions import ItemChange, claim_revision_create, is_staged, move_refused
from evidence.serializers import EvidenceSerializer
from evidence.serializers_revision import ClaimRevisionSerializer
from evidence.services import (
    evidence_create,
    evidence_delete,
    evidence_update,
    reference_set_verification,
    share_references,
)


class EvidenceFilter(django_filters.FilterSet):
    claim = django_filters.CharFilter(field_name="claim__slug")
    reference = django_filters.CharFilter(field_name="reference__citekey")
    topic = django_filters.CharFilter(field_name="claim__topics__slug", distinct=True)
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    design = django_filters.ChoiceFilter(choices=Design.choices)
    population = django_filters.ChoiceFilter(choices=ItemPopulation.choices)
    risk_of_bias = django_filters.ChoiceFilter(choices=RiskOfBias.choices)
    via = django_filters.ChoiceFilter(choices=Via.choices)
    funding = django_filters.ChoiceFilter(choices=Funding.choices)
    source_access = django_filters.ChoiceFilter(choices=SourceAccess.choices)
    covers = django_filters.CharFilter(
        field_name="covers__citekey", distinct=True, label="Pools the study with this citekey"
    )
    year_min = YearFilter(
        "gte", bounds=YEARS, field_name="reference__year", label="Reference year from"
    )
    year_max = YearFilter(
        "lte", bounds=YEARS, field_name="reference__year", label="Reference year to"
    )

    class Meta:
        model = Evidence
        fields = [
            "claim",
            "reference",
            "topic",
            "stance",
            "design",
            "population",
            "risk_of_bias",
            "via",
            "funding",
            "source_access",
            "covers",
            "year_min",
            "year_max",
        ]


class EvidenceViewSet(viewsets.ModelViewSet):
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilter
    lookup_value_regex = LOOKUP_REGEX  # not digits only: "/api/evidence/x/" is an API 404
    ordering_fields = ["id", "sample_size", "effect_value", "updated"]

    def get_queryset(self):
        evidence = Evidence.objects.select_related("claim", "reference").prefetch_related(
            Prefetch("covers", queryset=Reference.objects.only("id", "citekey"))
        )
        return evidence.all() if sees_unpublished(self.request.user) else evidence.public()

    # Each write locks first, as evidence.locks orders it (the references the item will cite
    # FOR KEY SHARE, then its claims in key order, one statement), and only then reads
    # whether its claim is public: read before the lock, the claim could be published
    # meanwhile and the write go live past four eyes. The item and its claim are read again
    # after the lock (super() reads the item anew).

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        share_references(cited(given.validated_data))
        claims_lock({given.validated_data["claim"].pk})
        claim = Claim.objects.get(pk=given.validated_data["claim"].pk)
        if not is_staged(claim):
            return super().create(request, *args, **kwargs)
        fields = {k: v for k, v in given.validated_data.items() if k != "claim"}
        return self.staged(claim, ItemChange(fields=fields))

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        item = self.get_object()
        given = self.get_serializer(item, data=request.data, partial=kwargs.get("partial"))
        given.is_valid(raise_exception=True)
        share_references(cited(given.validated_data, item))
        target = given.validated_data.get("claim")  # a move only when asked for
        item = self.locked(item, also=[target.pk] if target else [])
        if target and (refused := move_refused(item.claim, Claim.objects.get(pk=target.pk))):
            raise ValidationError({"claim": [refused]})  # both claims read once locked
        if not is_staged(item.claim):
            return super().update(request, *args, **kwargs)
        given.validated_data.pop("claim", None)
        return self.staged(item.claim, ItemChange(id=item.pk, fields=given.validated_data))

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        item = self.locked(self.get_object())
        if not is_staged(item.claim):
            return super().destroy(request, *args, **kwargs)
        return self.staged(item.claim, ItemChange(id=item.pk, remove=True))

    @staticmethod
    def locked(item, also=()) -> Evidence:
        """`item` with its claim, read after its claims (stored, and `also`) are locked."""
        stored = Evidence.objects.filter(pk=item.pk).select_related("claim")
        rows = rows_locked_with_claims(stored, ["claim"], also=also)
        if not rows:  # deleted meanwhile
            raise Http404
        return rows[0]

    def staged(self, claim, change: ItemChange) -> Response:
        revision = claim_revision_create(claim=claim, actor=self.request.user, items=[change])
        if revision is None:  # nothing would change
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ClaimRevisionSerializer(revision).data, status=status.HTTP_202_ACCEPTED)

    def perform_create(self, serializer):
        serializer.instance = evidence_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = evidence_update(
            evidence=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        evidence_delete(evidence=instance, actor=self.request.user)


def cited(fields: dict, item: Evidence | None = None) -> set:
    """The keys of the references an item written with `fields` cites: its reference (the
    stored one unless given) and the studies it pools, when given."""
    reference = fields.get("reference")
    keys = {reference.pk if reference else getattr(item, "reference_id", None)}
    keys |= {study.pk for study in fields.get("covers") or ()}
    return keys - {None}


class CitedReferenceFilter(ReferenceFilter):
    claim = django_filters.CharFilter(method="filter_claim", label="Cited by this claim (slug)")
    topic = django_filters.CharFilter(method="filter_topic", label="Cited in this topic (slug)")

    class Meta(ReferenceFilter.Meta):
        fields = [*ReferenceFilter.Meta.fields, "claim", "topic"]

    def filter_claim(self, queryset, name, value):
        return self.cited_by(queryset, slug=value)

    def filter_topic(self, queryset, name, value):
        return self.cited_by(queryset, topics__slug=value)

    def cited_by(self, queryset, **claim_lookups):
        # Only claims the reader may see: a filter must not reveal what drafts cite.
        user = getattr(self.request, "user", None)
        return queryset.cited_by(Claim.objects.visible_to(user).filter(**claim_lookups))


class CitedReferenceViewSet(ReferenceViewSet):
    """Bibliographic records. Anonymous readers see those that public claims cite."""

    filterset_class = CitedReferenceFilter
    set_verification = staticmethod(reference_set_verification)  # it regrades the citing claims

    def readable(self, references):
        if sees_unpublished(self.request.user):
            return references
        return references.cited_by(Claim.objects.public())
