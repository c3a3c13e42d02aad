"""GET /api/citation-styles/: the CSL styles formatted citations may name (`?style=<id>`)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from citations import citing


class CitationStyleList(APIView):
    """Every installed style as `{"id", "title"}`, by id; the featured ones are marked."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="List the citation styles of formatted citations",
        responses=inline_serializer(
            "CitationStyle",
            {
                "id": serializers.CharField(),
                "title": serializers.CharField(),
                "featured": serializers.BooleanField(),
            },
            many=True,
        ),
    )
    def get(self, request):
        return Response(
            [
                {"id": style_id, "title": title, "featured": style_id in citing.FEATURED_STYLES}
                for style_id, title in citing.style_titles().items()
            ]
        )
