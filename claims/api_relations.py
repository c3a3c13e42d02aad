"""A claim's relations on the API: `/api/claims/<slug>/relations/` (GET lists the live ones,
POST adds one) and `.../relations/<id>/` (PATCH, PUT, DELETE), for curators.

A relation belongs to the claim it relates from. On a public claim every write is staged as
the claim's pending revision (evidence.revisions), like an evidence write: 202 with the
revision, and readers keep the published relations and grades until another curator approves
it. A draft's relations are written at once (evidence.relations), both ends regraded. Which of
the two is decided from the claim read after its lock (with the relation's ends, in key order,
evidence.locks): read before, it could be published meanwhile and the write go live past four
eyes.
"""

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.models import Claim, ClaimRelation
from claims.serializers import ClaimRelationSerializer
from config.permissions import needs
from evidence.locks import claims_lock, rows_locked_with_claims
from evidence.relations import relation_delete, relation_save
from evidence.revisions import RelationChange, claim_revision_create, is_staged
from evidence.serializers_revision import ClaimRevisionSerializer

CHANGE_CLAIM = "claims.change_claim"


class RelationsMixin:
    """For ClaimViewSet: the `relations` and `relation` actions."""

    @extend_schema(request=ClaimRelationSerializer, responses=ClaimRelationSerializer(many=True))
    @action(detail=True, methods=["get", "post"], permission_classes=[needs(CHANGE_CLAIM)])
    @transaction.atomic
    def relations(self, request, slug=None):
        """The claim's relations as stored (GET); add one (POST: 201, or 202 when staged)."""
        claim = self.get_object()
        if request.method == "GET":
            stored = claim.relations_from.select_related("from_claim", "to_claim").order_by("pk")
            return Response(ClaimRelationSerializer(stored, many=True).data)
        given = ClaimRelationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        claims_lock({claim.pk, given.validated_data["to_claim"].pk})
        claim = Claim.objects.get(pk=claim.pk)  # read after the lock
        if is_staged(claim):
            return self.staged_relation(claim, RelationChange(fields=given.validated_data))
        relation = ClaimRelation(from_claim=claim, **given.validated_data)
        relation_save(relation=relation, actor=request.user)
        return Response(ClaimRelationSerializer(relation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimRelationSerializer, responses=ClaimRelationSerializer)
    @action(
        detail=True,
        methods=["put", "patch", "delete"],
        url_path=r"relations/(?P<relation_id>[0-9]+)",
        permission_classes=[needs(CHANGE_CLAIM)],
    )
    @transaction.atomic
    def relation(self, request, slug=None, relation_id=None):
        """Change (PUT, PATCH) or delete one relation of the claim; 202 when staged."""
        claim = self.get_object()
        if request.method == "DELETE":
            relation = locked_relation(claim, relation_id)
            claim = relation.from_claim
            if is_staged(claim):
                return self.staged_relation(claim, RelationChange(id=relation.pk, remove=True))
            relation_delete(relation=relation, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        partial = request.method == "PATCH"
        relation = get_object_or_404(ClaimRelation, from_claim=claim, pk=relation_id)
        given = ClaimRelationSerializer(relation, data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
        relation = locked_relation(claim, relation_id, also=[given.validated_data.get("to_claim")])
        claim = relation.from_claim
        if is_staged(claim):
            change = RelationChange(id=relation.pk, fields=given.validated_data)
            return self.staged_relation(claim, change)
        for name, value in given.validated_data.items():
            setattr(relation, name, value)
        relation_save(relation=relation, actor=request.user)
        return Response(ClaimRelationSerializer(relation).data)

    def staged_relation(self, claim, change: RelationChange) -> Response:
        revision = claim_revision_create(claim=claim, actor=self.request.user, relations=[change])
        if revision is None:  # nothing would change
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ClaimRevisionSerializer(revision).data, status=status.HTTP_202_ACCEPTED)


def locked_relation(claim, relation_id, also=()) -> ClaimRelation:
    """The relation `relation_id` from `claim`, with its from_claim, read after its ends (and
    the claims `also`) are locked in key order; 404 when there is none."""
    stored = ClaimRelation.objects.filter(from_claim=claim, pk=relation_id)
    ends = ["from_claim", "to_claim"]
    also = [end.pk for end in also if end is not None]
    rows = rows_locked_with_claims(stored.select_related("from_claim"), ends, also=also)
    if not rows:
        raise Http404
    return rows[0]
