"""References on the API, and exports by content negotiation for every viewset that cites.

An export (`?format=bibtex|csl|ris` or the matching `Accept`) answers a list or a detail
with the references it selects: a reference list its references, a claim its cited
references, a topic those of its public claims. Exports are unpaginated and stream from a
server-side cursor, so memory stays constant whatever their size.
"""

import re
from collections.abc import Mapping

import django_filters
from django import forms
from django.conf import settings
from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from citations.exports import record_stream
from citations.identifiers import InvalidIdentifier, normalize_doi
from citations.models import YEAR_MAX, YEAR_MIN, Reference, Retraction, Verification
from citations.parsers import BibTeXParser, ImportTooLarge, PlainTextParser
from citations.renderers import EXPORT_RENDERERS, CSLJSONRenderer, ExportRenderer
from citations.serializers import (
    ImportJSONSerializer,
    ImportOptionsSerializer,
    ImportOutcomeSerializer,
    ImportUploadSerializer,
    ReferenceSerializer,
    import_outcome_data,
    submitted_bibtex,
)
from citations.services import (
    ImportOutcome,
    reference_import_bibtex,
)
from claims.curators import sees_unpublished
from claims.models import Claim
from evidence.services import reference_set_verification  # it regrades the claims citing it

EXPORT_ACTIONS = {"list", "retrieve"}
VERIFICATION_FIELDS = ("verification", "verification_note")
# Citekeys may hold ":", "." or "-"; only "/" (and NUL, which PostgreSQL refuses) cannot be.
LOOKUP_REGEX = r"[^/\x00]+"
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {"id": {"type": "string"}, "type": {"type": "string"}},
    },
}


def export_schema(serializer, description: str):
    """Declare JSON and the three export media types as responses of list and retrieve."""
    responses = {(200, JSONRenderer.media_type): serializer}
    for renderer in EXPORT_RENDERERS:
        responses[(200, renderer.media_type)] = OpenApiResponse(
            CSL_SCHEMA if renderer is CSLJSONRenderer else OpenApiTypes.STR,
            description=f"{description} as {renderer.format}",
        )
    return extend_schema(responses=responses)


def export_filename(stem: str, renderer: ExportRenderer) -> str:
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', stem)}.{renderer.extension}"


def export_response(request, references, stem: str):
    """Stream `references` in the negotiated export format as an attachment."""
    renderer = request.accepted_renderer
    response = StreamingHttpResponse(
        renderer.stream(record_stream(references)),
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, renderer)}"'
    return response


class ExportMixin:
    """List and retrieve also answer as BibTeX, CSL-JSON or RIS.

    A viewset says which references an export selects: `references_of_list(queryset)`
    and `references_of(obj)`, and names the file with `export_stem(obj)`.
    """

    list_export_stem = "references"

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action in EXPORT_ACTIONS:
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    def is_export(self) -> bool:
        return isinstance(getattr(self.request, "accepted_renderer", None), ExportRenderer)

    def list(self, request, *args, **kwargs):
        if not self.is_export():
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        return export_response(request, self.references_of_list(queryset), self.list_export_stem)

    def retrieve(self, request, *args, **kwargs):
        if not self.is_export():
            return super().retrieve(request, *args, **kwargs)
        obj = self.get_object()
        return export_response(request, self.references_of(obj), self.export_stem(obj))


class YearFilter(django_filters.NumberFilter):
    """A year bound: a whole number in the range the database allows, else a 400."""

    field_class = forms.IntegerField

    def __init__(self, lookup_expr: str, **kwargs):
        super().__init__(
            field_name=kwargs.pop("field_name", "year"),
            lookup_expr=lookup_expr,
            min_value=YEAR_MIN,
            max_value=YEAR_MAX,
            **kwargs,
        )


class ReferenceFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Full-text search")
    similar = django_filters.CharFilter(
        method="filter_similar",
        label="Typo-tolerant look-up by citekey, title or author family name, closest first",
    )
    verification = django_filters.ChoiceFilter(choices=Verification.choices)
    retraction = django_filters.ChoiceFilter(choices=Retraction.choices)
    doi = django_filters.CharFilter(method="filter_doi", label="DOI, in any usual spelling")
    year_min = YearFilter("gte", label="Published in or after this year")
    year_max = YearFilter("lte", label="Published in or before this year")
    entry_type = django_filters.CharFilter()
    claim = django_filters.CharFilter(method="filter_claim", label="Cited by this claim (slug)")
    topic = django_filters.CharFilter(method="filter_topic", label="Cited in this topic (slug)")

    class Meta:
        model = Reference
        fields = [
            "search",
            "similar",
            "verification",
            "retraction",
            "doi",
            "year_min",
            "year_max",
            "entry_type",
            "claim",
            "topic",
        ]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_similar(self, queryset, name, value):
        return queryset.similar_to(value)

    def filter_claim(self, queryset, name, value):
        return self.cited_by(queryset, slug=value)

    def filter_topic(self, queryset, name, value):
        return self.cited_by(queryset, topics__slug=value)

    def cited_by(self, queryset, **claim_lookups):
        # Only claims the reader may see: a filter must not reveal what drafts cite.
        user = getattr(self.request, "user", None)
        return queryset.cited_by(Claim.objects.visible_to(user).filter(**claim_lookups))

    def filter_doi(self, queryset, name, value):
        try:
            return queryset.by_doi(normalize_doi(value))
        except InvalidIdentifier:
            return queryset.none()


@extend_schema_view(
    list=export_schema(ReferenceSerializer, "The selected references"),
    retrieve=export_schema(ReferenceSerializer, "This reference"),
)
class ReferenceViewSet(ExportMixin, viewsets.ModelViewSet):
    """Bibliographic records. Anonymous readers see those that public claims cite."""

    serializer_class = ReferenceSerializer
    filterset_class = ReferenceFilter
    lookup_field = "citekey"
    lookup_value_regex = LOOKUP_REGEX
    ordering_fields = ["citekey", "year", "title", "updated"]
    cursor_ordering = "citekey"  # ?cursor= walks the list by this unique key

    def get_queryset(self):
        references = Reference.objects.all()
        if not sees_unpublished(self.request.user):
            references = references.cited_by_public_claims()
        # Exports read contributors per chunk as they stream (citations.exports).
        return references if self.is_export() else references.with_contributors()

    def references_of_list(self, queryset):
        return queryset

    def references_of(self, reference):
        return Reference.objects.filter(pk=reference.pk)

    def perform_update(self, serializer):
        """Save the record; a changed verification goes through its one service."""
        given = {
            name: serializer.validated_data.pop(name)
            for name in VERIFICATION_FIELDS
            if name in serializer.validated_data
        }
        with transaction.atomic():
            stored = Reference.objects.values(*VERIFICATION_FIELDS).get(pk=serializer.instance.pk)
            # The serializer's full_clean set the given values on the instance: not saved here.
            for name, value in stored.items():
                setattr(serializer.instance, name, value)
            reference = serializer.save()
            wanted = {**stored, **given}
            if given and wanted != stored:
                reference_set_verification(
                    reference=reference,
                    verification=wanted["verification"],
                    note=wanted["verification_note"],
                    actor=self.request.user,
                )

    def export_stem(self, reference) -> str:
        return reference.citekey

    @extend_schema(
        summary="Import references from BibTeX",
        description='The body is BibTeX text, a multipart `file` or JSON `{"bibtex": ...}`; '
        "options come as query parameters or form fields. `dry_run` previews the plan and "
        "writes nothing. Invalid entries (unless `skip_invalid`) or duplicates with "
        "`on_duplicate=fail` write nothing and answer 400 with the problems by line.",
        request={
            BibTeXParser.media_type: OpenApiTypes.STR,
            PlainTextParser.media_type: OpenApiTypes.STR,
            "multipart/form-data": ImportUploadSerializer,
            "application/json": ImportJSONSerializer,
        },
        parameters=[ImportOptionsSerializer],
        responses={
            200: OpenApiResponse(ImportOutcomeSerializer, "Previewed, or nothing new created"),
            201: OpenApiResponse(ImportOutcomeSerializer, "References created"),
            413: OpenApiResponse(OpenApiTypes.OBJECT, "The body is over the import limit"),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[BibTeXParser, PlainTextParser, MultiPartParser, JSONParser],
    )
    def import_bibtex(self, request):
        """Import references from BibTeX (curators); `dry_run` previews without writing."""
        refuse_large_body(request)
        options = ImportOptionsSerializer(data=import_options(request))
        options.is_valid(raise_exception=True)
        outcome = reference_import_bibtex(
            data=submitted_bibtex(request.data), user=request.user, **options.validated_data
        )
        data = import_outcome_data(outcome, on_duplicate=options.validated_data["on_duplicate"])
        return Response(data, status=import_status(outcome))


def refuse_large_body(request) -> None:
    """413 before the body is read: DATA_UPLOAD_MAX_MEMORY_SIZE does not guard parsers."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.BIBTEX_IMPORT_MAX_BYTES:
        raise ImportTooLarge


def import_options(request) -> dict:
    """Options from the query string, overridden by form or JSON fields of the same name."""
    given = request.query_params.dict()
    if isinstance(request.data, Mapping):
        names = ImportOptionsSerializer().fields
        given.update({name: request.data[name] for name in names if name in request.data})
    return given


def import_status(outcome: ImportOutcome) -> int:
    """200 for a preview or when nothing was new, 201 when references were created, 400
    when the import was refused (nothing written)."""
    result = outcome.result
    if result is None:
        return status.HTTP_200_OK
    if not result.written:
        return status.HTTP_400_BAD_REQUEST
    return status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
