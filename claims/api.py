"""Claims and topics on the API; both export the references they cite.

Anonymous readers see public claims (published and retracted); curators see every claim.
Each workflow action needs its own permission (config.permissions.needs), whatever the
model permissions a POST would otherwise ask for.
"""

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from citations.api.views import ReferenceExportMixin, reference_export_schema
from citations.models import Reference
from citations.search import newest_matches
from claims.api_relations import RelationsMixin
from claims.citation_order import cited_order, in_cited_order
from claims.models import (
    Claim,
    ClaimRevision,
    Direction,
    GradeLevel,
    Population,
    Question,
    Status,
    Topic,
)
from claims.serializers import (
    ClaimListSerializer,
    ClaimSerializer,
    OverrideGradeSerializer,
    RetractSerializer,
    TopicDetailSerializer,
    TopicSerializer,
)
from claims.services import (
    claim_override_grade,
    claim_publish,
    claim_retract,
    claim_return_to_draft,
    claim_submit_for_review,
)
from config.api.filters import QuerySetFilter
from config.api.url_keys import LOOKUP_REGEX
from config.pagination import KeysetPagination
from config.permissions import needs
from evidence.living import with_freshness
from evidence.locks import claims_lock
from evidence.models import Design, Evidence, Stance
from evidence.revisions import (
    claim_revision_approve,
    claim_revision_create,
    claim_revision_discard,
    is_staged,
)
from evidence.serializers_revision import ClaimRevisionSerializer
from evidence.services import claim_regrade


class ClaimFilter(django_filters.FilterSet):
    search = QuerySetFilter("search", label="Full-text search")
    topic = django_filters.CharFilter(field_name="topics__slug")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    population = django_filters.ChoiceFilter(choices=Population.choices)
    question = django_filters.ChoiceFilter(choices=Question.choices)
    grade_level = django_filters.ChoiceFilter(choices=GradeLevel.choices)
    grade_direction = django_filters.ChoiceFilter(choices=Direction.choices)
    stance = django_filters.ChoiceFilter(
        field_name="evidence__stance", choices=Stance.choices, distinct=True
    )
    design = django_filters.ChoiceFilter(
        field_name="evidence__design", choices=Design.choices, distinct=True
    )

    class Meta:
        model = Claim
        fields = [
            "search",
            "topic",
            "status",
            "population",
            "question",
            "grade_level",
            "grade_direction",
            "stance",
            "design",
        ]


class WriteInTransactionMixin:
    """A write and everything it sets (many-to-many rows) land together or not at all."""

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()


def claim_action(permission, *, url_path=None, request=None, responses=ClaimSerializer):
    """A POST action on one claim, for users with `permission` (config.permissions.needs)."""
    route = action(
        detail=True,
        methods=["post"],
        permission_classes=[needs(permission)],
        **({"url_path": url_path} if url_path else {}),
    )
    schema = extend_schema(request=request, responses=responses)
    return lambda method: schema(route(method))


def revision_decision(verb, permission):
    """The claim action `revisions/<id>/<verb>` that decides a pending revision."""
    url_path = rf"revisions/(?P<revision_id>[0-9]+)/{verb}"
    return claim_action(permission, url_path=url_path, responses=ClaimRevisionSerializer)


@extend_schema_view(
    list=reference_export_schema(ClaimListSerializer, "The references the selected claims cite"),
    retrieve=reference_export_schema(ClaimSerializer, "The references this claim cites"),
)
class ClaimViewSet(
    RelationsMixin, ReferenceExportMixin, WriteInTransactionMixin, viewsets.ModelViewSet
):
    """Claims with their grade; the detail lists the evidence with each reference. A claim's
    relations have their own actions (claims.api_relations)."""

    lookup_field = "slug"
    lookup_value_regex = LOOKUP_REGEX
    filterset_class = ClaimFilter
    ordering_fields = ["statement", "updated", "grade_level", "published_at"]
    cursor_ordering = "slug"  # ?cursor= walks the list by this unique key
    list_export_stem = "claims"

    def get_queryset(self):
        claims = Claim.objects.visible_to(self.request.user)
        if self.is_export() or self.action in ("relations", "relation"):
            return claims
        if self.action == "list":
            return claims.prefetch_related("topics").with_retracted_tests()
        return with_freshness(claims.with_evidence())

    def get_serializer_class(self):
        return ClaimListSerializer if self.action == "list" else ClaimSerializer

    def paginate_queryset(self, queryset):
        # Numbered pages of a search rank its newest matches only (citations.search), as the
        # claim list page does; a ?cursor= walk, in slug order, and the exports reach every match.
        if KeysetPagination.cursor_query_param not in self.request.query_params:
            queryset = newest_matches(queryset)
        return super().paginate_queryset(queryset)

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save(curator=self.request.user)

    def perform_update(self, serializer):
        # The grading inputs (population, question, mid, pooled estimate...): regrade with them.
        with transaction.atomic():
            claim_regrade(claim=serializer.save(), actor=self.request.user)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        """A draft changes at once; a public claim's change becomes its pending revision.

        Decided once the claim is locked: read before, a claim published meanwhile had the
        change written live, and its status as read (a draft) saved over the publish."""
        claims_lock([self.get_object().pk])  # a claim this curator may see
        claim = self.get_object()  # as stored once locked
        if not is_staged(claim):
            return super().update(request, *args, **kwargs)
        given = self.get_serializer(claim, data=request.data, partial=kwargs.get("partial"))
        given.is_valid(raise_exception=True)
        revision = claim_revision_create(
            claim=claim, actor=request.user, fields=dict(given.validated_data)
        )
        if revision is None:  # nothing would change
            return Response(self.get_serializer(claim).data)
        return Response(ClaimRevisionSerializer(revision).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=ClaimRevisionSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[needs("claims.change_claim")])
    def revisions(self, request, slug=None):
        """The claim's staged revisions, newest first: who wrote, who decided, live vs pending."""
        revisions = self.get_object().revisions.prefetch_related("authors")
        revisions = revisions.select_related("decided_by", "claim")
        return Response(ClaimRevisionSerializer(revisions, many=True).data)

    @revision_decision("approve", "claims.publish_claim")
    def approve_revision(self, request, slug=None, revision_id=None):
        """Write the pending revision onto the live claim (by a curator who wrote none of it)."""
        return self.decide(claim_revision_approve, revision_id)

    @revision_decision("discard", "claims.change_claim")
    def discard_revision(self, request, slug=None, revision_id=None):
        """Drop the pending revision; the live claim stays as it is."""
        return self.decide(claim_revision_discard, revision_id)

    def decide(self, service, revision_id):
        revision = get_object_or_404(ClaimRevision, claim=self.get_object(), pk=revision_id)
        service(revision=revision, actor=self.request.user)
        return Response(ClaimRevisionSerializer(revision).data)

    @claim_action("claims.change_claim")
    def submit(self, request, slug=None):
        """Draft to in review."""
        return self.transition(claim_submit_for_review)

    @claim_action("claims.publish_claim")
    def publish(self, request, slug=None):
        """In review to published: needs evidence and a computed grade."""
        return self.transition(claim_publish)

    @claim_action("claims.publish_claim", url_path="return-to-draft")
    def return_to_draft(self, request, slug=None):
        """In review back to draft."""
        return self.transition(claim_return_to_draft)

    @claim_action("claims.retract_claim", request=RetractSerializer)
    def retract(self, request, slug=None):
        """Published to retracted, with the reason readers will see."""
        return self.transition(claim_retract, RetractSerializer)

    @claim_action(
        "claims.override_grade", url_path="override-grade", request=OverrideGradeSerializer
    )
    def override_grade(self, request, slug=None):
        """Set (or, with an empty level, clear) the curator's level beside the computed one."""
        return self.transition(claim_override_grade, OverrideGradeSerializer)

    def transition(self, service, input_serializer=None):
        claim = self.get_object()
        arguments = {}
        if input_serializer is not None:
            given = input_serializer(data=self.request.data)
            given.is_valid(raise_exception=True)
            arguments = given.validated_data
        service(claim=claim, actor=self.request.user, **arguments)
        return Response(self.get_serializer(claim).data)

    def references_of_list(self, claims):
        return Reference.objects.cited_by(claims)

    def references_of(self, claim):
        self.exported_claim = claim
        return Reference.objects.cited_by(Claim.objects.filter(pk=claim.pk))

    def export_records(self, references):
        """One claim's formatted bibliography in its citation order (`claims.citation_order`:
        as its page numbers them, so Vancouver's "3." is the page's [3]), one query more; its
        BibTeX, CSL-JSON and RIS, and a list's exports, as selected (by citekey)."""
        records = super().export_records(references)
        formatted = getattr(self.request.accepted_renderer, "takes_style", False)
        if self.action != "retrieve" or not formatted:
            return records
        rows = Evidence.objects.filter(claim=self.exported_claim).order_by("pk")
        rows = rows.values_list("reference__citekey", "design", "reference__year")
        return in_cited_order(records, cited_order(rows))

    def export_stem(self, claim) -> str:
        return claim.slug


class TopicFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Topic
        fields = ["search"]


@extend_schema_view(
    list=reference_export_schema(
        TopicSerializer, "The references of the public claims of these topics"
    ),
    retrieve=reference_export_schema(TopicDetailSerializer, "The references of its public claims"),
)
class TopicViewSet(ReferenceExportMixin, WriteInTransactionMixin, viewsets.ModelViewSet):
    """Topics; the detail lists the claims the reader may see. Anonymous readers see the
    public topics only (`Topic.objects.public()`): a topic is public through its claims."""

    lookup_field = "slug"
    lookup_value_regex = LOOKUP_REGEX
    filterset_class = TopicFilter
    ordering_fields = ["name", "slug"]
    cursor_ordering = "slug"  # ?cursor= walks the list by this unique key
    list_export_stem = "topics"

    def get_queryset(self):
        topics = Topic.objects.visible_to(self.request.user)
        if self.action != "retrieve" or self.is_export():
            return topics
        claims = Claim.objects.visible_to(self.request.user).prefetch_related("topics")
        claims = claims.with_retracted_tests()  # for each claim's plain_language
        return topics.prefetch_related(
            Prefetch("claims", queryset=claims, to_attr="visible_claims")
        )

    def get_serializer_class(self):
        return TopicDetailSerializer if self.action == "retrieve" else TopicSerializer

    def references_of_list(self, topics):
        return self.cited_by_public_claims(topics.values("pk"))

    def references_of(self, topic):
        return self.cited_by_public_claims([topic.pk])

    def cited_by_public_claims(self, topic_ids):
        return Reference.objects.cited_by(Claim.objects.public().filter(topics__in=topic_ids))

    def export_stem(self, topic) -> str:
        return topic.slug
