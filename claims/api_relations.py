"""A claim's relations on the API: `/api/claims/<slug>/relations/` (GET lists the live ones,
POST adds one) and `.../relations/<id>/` (PATCH, PUT, DELETE), for curators.

A relation belongs to the claim it relates from. On a public claim every write is staged as
the claim's pending revision (evidence.revisions), like an evidence write: 202 with the
revision, and readers keep the published relations and grades until another curator approves
it. A draft's relations are written at once (evidence.relations), both ends regraded.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.models import ClaimRelation
from claims.serializers import ClaimRelationSerializer
from config.permissions import needs
from evidence.relations import relation_delete, relation_save
from evidence.revisions import RelationChange, claim_revision_create, is_staged
from evidence.serializers_revision import ClaimRevisionSerializer

CHANGE_CLAIM = "claims.change_claim"


class RelationsMixin:
    """For ClaimViewSet: the `relations` and `relation` actions."""

    @extend_schema(request=ClaimRelationSerializer, responses=ClaimRelationSerializer(many=True))
    @action(detail=True, methods=["get", "post"], permission_classes=[needs(CHANGE_CLAIM)])
    def relations(self, request, slug=None):
        """The claim's relations as stored (GET); add one (POST: 201, or 202 when staged)."""
        claim = self.get_object()
        if request.method == "GET":
            stored = claim.relations_from.select_related("from_claim", "to_claim").order_by("pk")
            return Response(ClaimRelationSerializer(stored, many=True).data)
        given = ClaimRelationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
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
    def relation(self, request, slug=None, relation_id=None):
        """Change (PUT, PATCH) or delete one relation of the claim; 202 when staged."""
        claim = self.get_object()
        relation = get_object_or_404(ClaimRelation, from_claim=claim, pk=relation_id)
        if request.method == "DELETE":
            if is_staged(claim):
                return self.staged_relation(claim, RelationChange(id=relation.pk, remove=True))
            relation_delete(relation=relation, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        partial = request.method == "PATCH"
        given = ClaimRelationSerializer(relation, data=request.data, partial=partial)
        given.is_valid(raise_exception=True)
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
