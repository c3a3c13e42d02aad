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
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.mediatypes import _MediaType, media_type_matches

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
    LookupRequestSerializer,
    LookupResultSerializer,
    ReferenceSerializer,
    import_outcome_data,
    lookup_result_data,
    submitted_bibtex,
)
from citations.services import (
    ImportOutcome,
    reference_create_from_lookup,
    reference_import_bibtex,
    reference_lookup,
)
from citations.sources import http
from claims.access import sees_unpublished
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


UTF8_NAMES = {"utf-8", "utf8"}


def export_options(request, *, single: bool = False) -> dict:
    """Options of an export: `charset=utf-8` (BibTeX in UTF-8 for biber and XeLaTeX rather
    than pdfLaTeX-safe ASCII), and `single` (one reference: CSL-JSON is one object, as
    doi.org answers)."""
    charset = request.query_params.get("charset", "")
    if not charset:
        accepted = getattr(request, "accepted_media_type", "") or ""
        charset = _MediaType(accepted).params.get("charset", "")
    return {"unicode": charset.strip().lower() in UTF8_NAMES, "single": single}


def export_response(request, references, stem: str, *, single: bool = False):
    """Stream `references` in the negotiated export format as an attachment."""
    renderer = request.accepted_renderer
    options = export_options(request, single=single)
    response = StreamingHttpResponse(
        renderer.stream(record_stream(references), **options),
        content_type=f"{renderer.media_type}; charset={renderer.charset}",
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stem, renderer)}"'
    return response


def accepted_ranges(header: str) -> list[_MediaType]:
    """The media ranges of an Accept header, best first: by q-value, then the more specific
    range, then the order given; ranges with q=0 are refused, so left out."""
    ranges = []
    for index, part in enumerate(header.split(",")):
        if not part.strip():
            continue
        media_type = _MediaType(part.strip())
        try:
            quality = float(media_type.params.get("q", 1))
        except ValueError:
            quality = 1.0
        if quality > 0:
            ranges.append((-quality, -media_type.precedence, index, media_type))
    return [media_type for *_order, media_type in sorted(ranges, key=lambda r: r[:3])]


class ExportNegotiation(DefaultContentNegotiation):
    """An explicit `?format=` wins over `Accept`; `Accept` is read with its q-values
    (DRF's default ranks ranges by specificity only and answers 406 to `?format=bibtex`
    sent with `Accept: application/json`)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        chosen = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if chosen:
            renderers = self.filter_renderers(renderers, chosen)
            return renderers[0], renderers[0].media_type
        header = request.META.get("HTTP_ACCEPT") or "*/*"
        for media_range in accepted_ranges(header):
            for renderer in renderers:
                if media_type_matches(renderer.media_type, str(media_range)):
                    return renderer, renderer.media_type
        raise NotAcceptable(available_renderers=renderers)


class ExportMixin:
    """List and retrieve also answer as BibTeX, CSL-JSON or RIS.

    A viewset says which references an export selects: `references_of_list(queryset)`
    and `references_of(obj)`, and names the file with `export_stem(obj)`.
    """

    list_export_stem = "references"
    content_negotiation_class = ExportNegotiation
    export_single = False  # A detail export is one item (a reference), not a list.

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
        references, stem = self.references_of(obj), self.export_stem(obj)
        return export_response(request, references, stem, single=self.export_single)


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
    export_single = True
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
            409: OpenApiResponse(
                ImportOutcomeSerializer, "Another import changed these entries: retry"
            ),
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

    @extend_schema(
        summary="Look a record up by DOI, PMID, PMCID or ISBN (and add it)",
        description="Fetches the record from Crossref, doi.org, PubMed or Open Library and "
        "answers it with its ordered authors (stored people matched by ORCID, else by name), "
        "the citekey it gets, and stored duplicates. With `save` (body or `?save=1`) it is "
        "added as a verified reference (201), unless a duplicate exists (409). A service "
        "that fails answers 404 (no such record), 502 (a malformed answer or no title) or "
        "503 (unreachable); nothing is written then.",
        request=LookupRequestSerializer,
        responses={
            200: LookupResultSerializer,
            201: LookupResultSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, "The service has no such record"),
            409: LookupResultSerializer,
            502: OpenApiResponse(OpenApiTypes.OBJECT, "The service answered nonsense"),
            503: OpenApiResponse(OpenApiTypes.OBJECT, "The service could not be reached"),
        },
    )
    @action(detail=False, methods=["post"], url_path="lookup", url_name="lookup")
    def lookup(self, request):
        """Fetch a record by identifier; `save` adds it (curators)."""
        body = request.data if isinstance(request.data, Mapping) else {}
        given = {"save": request.query_params.get("save", False), **body}
        query = LookupRequestSerializer(data=given)
        query.is_valid(raise_exception=True)
        try:
            result = reference_lookup(identifier=query.validated_data["identifier"])
        except InvalidIdentifier as exc:
            return Response({"identifier": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        except http.SourceError as exc:
            return Response({"detail": str(exc)}, status=source_error_status(exc))
        if not query.validated_data["save"]:
            return Response(lookup_result_data(result, request=request))
        if result.duplicates or result.errors:
            data = lookup_result_data(result, request=request)
            refused = status.HTTP_409_CONFLICT if result.duplicates else status.HTTP_400_BAD_REQUEST
            return Response(data, status=refused)
        created = reference_create_from_lookup(result=result, actor=request.user)
        data = lookup_result_data(result, request=request, created=created)
        return Response(data, status=status.HTTP_201_CREATED)


def source_error_status(error: http.SourceError) -> int:
    if isinstance(error, http.SourceNotFound):
        return status.HTTP_404_NOT_FOUND
    if isinstance(error, http.SourceBadResponse):
        return status.HTTP_502_BAD_GATEWAY
    return status.HTTP_503_SERVICE_UNAVAILABLE


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
    when the import was refused (nothing written), 409 when a concurrent write changed the
    same entries (nothing written; a retry succeeds)."""
    result = outcome.result
    if result is None:
        return status.HTTP_200_OK
    if result.conflict:
        return status.HTTP_409_CONFLICT
    if not result.written:
        return status.HTTP_400_BAD_REQUEST
    return status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
