"""References on the API, and the references' exports for every viewset that cites.

An export (`?format=bibtex|csl|ris` or the matching `Accept`, config.api.exports) answers a
list or a detail with the references it selects: a reference list its references, a claim
its cited references, a topic those of its public claims. Exports stream from a server-side
cursor (citations.exports), so memory stays constant whatever their size.

Citations knows no claims: which references a reader may see, the claim and topic filters,
and what a changed verification regrades are said by the subclass the router registers
(evidence.api.CitedReferenceViewSet).
"""

from collections.abc import Mapping

import django_filters
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from citations import readers
from citations.api.import_serializers import (
    ImportJobSerializer,
    ImportJSONSerializer,
    ImportOptionsSerializer,
    ImportOutcomeSerializer,
    ImportUploadSerializer,
    import_job_data,
    import_outcome_data,
    submitted_bibtex,
)
from citations.api.lookup_serializers import (
    LookupRequestSerializer,
    LookupResultSerializer,
    lookup_result_data,
)
from citations.api.parsers import (
    IMPORT_BODY_PARSERS,
    BibTeXParser,
    ImportTooLarge,
    PlainTextParser,
    declared_length,
)
from citations.api.renderers import EXPORT_RENDERERS
from citations.api.serializers import ReferenceSerializer
from citations.exports import record_stream
from citations.identifiers import InvalidIdentifier, normalize_doi
from citations.models import YEAR_MAX, YEAR_MIN, ImportJob, Reference, Retraction, Verification
from citations.search import RANKED_MATCHES, newest_matches
from citations.services import (
    ImportOutcome,
    import_job_create,
    needs_preview_job,
    reference_create_from_lookup,
    reference_import_bibtex,
    reference_lookup,
)
from citations.sources import http
from citations.tasks import import_preview_start
from config.api.exports import ExportMixin, export_schema
from config.api.filters import QuerySetFilter, YearFilter
from config.api.url_keys import CITEKEY_REGEX
from config.pagination import KeysetPagination

VERIFICATION_FIELDS = ("verification", "verification_note")
YEARS = (YEAR_MIN, YEAR_MAX)


class ReferenceExportMixin(ExportMixin):
    """List and retrieve also answer with the selected references as BibTeX, CSL-JSON or RIS."""

    export_renderers = EXPORT_RENDERERS

    def export_records(self, references):
        return record_stream(references)


def reference_export_schema(serializer, description: str):
    """JSON and the three export media types as the responses of list and retrieve."""
    return export_schema(serializer, description, EXPORT_RENDERERS)


class ReferenceFilter(django_filters.FilterSet):
    search = QuerySetFilter(
        "search",
        label=f"Full-text search, best first. Numbered pages rank the {RANKED_MATCHES:,} most "
        "recently added matches (so `count` is at most that); `?cursor=`, `?ordering=` and "
        "the exports list every match",
    )
    similar = QuerySetFilter(
        "similar_to",
        label="Typo-tolerant look-up by citekey, title or author family name, closest first",
    )
    verification = django_filters.ChoiceFilter(choices=Verification.choices)
    retraction = django_filters.ChoiceFilter(choices=Retraction.choices)
    doi = django_filters.CharFilter(method="filter_doi", label="DOI, in any usual spelling")
    year_min = YearFilter("gte", bounds=YEARS, label="Published in or after this year")
    year_max = YearFilter("lte", bounds=YEARS, label="Published in or before this year")
    entry_type = django_filters.CharFilter()

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
        ]

    def filter_doi(self, queryset, name, value):
        try:
            return queryset.by_doi(normalize_doi(value))
        except InvalidIdentifier:
            return queryset.none()


@extend_schema_view(
    list=reference_export_schema(ReferenceSerializer, "The selected references"),
    retrieve=reference_export_schema(ReferenceSerializer, "This reference"),
)
class ReferenceViewSet(ReferenceExportMixin, viewsets.ModelViewSet):
    """Bibliographic records: their shapes, filters, exports, imports and look-ups.

    Not registered as it is: the apps above citations say who reads which references
    (`readable`) and which service writes a verification (`set_verification`, keyword
    arguments reference, verification, note and actor), in the subclass the router
    registers (evidence.api.CitedReferenceViewSet).
    """

    serializer_class = ReferenceSerializer
    filterset_class = ReferenceFilter
    export_single = True
    lookup_field = "citekey"
    lookup_value_regex = CITEKEY_REGEX
    ordering_fields = ["citekey", "year", "title", "updated"]
    cursor_ordering = "citekey"  # ?cursor= walks the list by this unique key
    set_verification = None

    def readable(self, references):
        """The references the requesting user may read."""
        raise NotImplementedError

    def get_queryset(self):
        references = self.readable(Reference.objects.all())
        # Exports read contributors per chunk as they stream (citations.exports).
        return references if self.is_export() else references.with_contributors()

    def paginate_queryset(self, queryset):
        # Numbered pages of a search rank its newest matches only (citations.search); a
        # ?cursor= walk, in citekey order, and the exports reach every match.
        if KeysetPagination.cursor_query_param not in self.request.query_params:
            queryset = newest_matches(queryset)
        return super().paginate_queryset(queryset)

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
                self.set_verification(
                    reference=reference,
                    verification=wanted["verification"],
                    note=wanted["verification_note"],
                    actor=self.request.user,
                )

    def export_stem(self, reference) -> str:
        return reference.citekey

    def retrieve(self, request, *args, **kwargs):
        """The record; an old (merged) citekey answers 301 to the record it was merged into,
        as its page does, with the same query (`?format=bibtex` stays an export)."""
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            survivor = self.get_queryset().merged_from(kwargs[self.lookup_field]).first()
            if survivor is None:
                raise
        url = reverse("api:reference-detail", kwargs={"citekey": survivor.citekey})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    @extend_schema(
        summary="Import references from BibTeX, RIS, CSL-JSON, PubMed MEDLINE or PubMed XML",
        description='The body is the file, a multipart `file` or JSON `{"bibtex": ...}`. The '
        "body's Content-Type chooses the reader: application/x-bibtex or text/plain (BibTeX), "
        "application/x-research-info-systems (RIS), application/vnd.citationstyles.csl+json "
        "(CSL-JSON), application/nbib (PubMed MEDLINE), application/xml or text/xml (PubMed "
        "XML); an upload's extension does (.bib, .ris, .json, .nbib, .txt, .xml). Options "
        "come as query parameters or form fields. `dry_run` previews the plan and "
        "writes nothing. Invalid entries (unless `skip_invalid`) or duplicates with "
        "`on_duplicate=fail` write nothing and answer 400 with the problems by line.",
        request={
            BibTeXParser.media_type: OpenApiTypes.STR,
            PlainTextParser.media_type: OpenApiTypes.STR,
            **{parser.media_type: OpenApiTypes.STR for parser in IMPORT_BODY_PARSERS[2:]},
            "multipart/form-data": ImportUploadSerializer,
            "application/json": ImportJSONSerializer,
        },
        parameters=[ImportOptionsSerializer],
        responses={
            200: OpenApiResponse(ImportOutcomeSerializer, "Previewed, or nothing new created"),
            201: OpenApiResponse(ImportOutcomeSerializer, "References created"),
            202: OpenApiResponse(
                ImportJobSerializer, "A dry run of a large file, previewed by a background job"
            ),
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
        parser_classes=[*IMPORT_BODY_PARSERS, MultiPartParser, JSONParser],
    )
    def import_bibtex(self, request):
        """Import references (curators); `dry_run` previews without writing."""
        refuse_large_body(request)
        options = ImportOptionsSerializer(data=import_options(request))
        options.is_valid(raise_exception=True)
        name = upload_name(request.data)
        bibtex_data = submitted_bibtex(request.data)
        reader = import_format(request, name, bibtex_data)
        if options.validated_data["dry_run"] and needs_preview_job(bibtex_data):
            return self.preview_as_job(request, bibtex_data, options.validated_data, reader)
        outcome = reference_import_bibtex(
            data=bibtex_data, user=request.user, format=reader, **options.validated_data
        )
        data = import_outcome_data(outcome, on_duplicate=options.validated_data["on_duplicate"])
        return Response(data, status=import_status(outcome))

    def preview_as_job(self, request, data: str | bytes, options: dict, reader: str) -> Response:
        """A dry run too large for the request's time budget: 202, previewed by a job."""
        encoding = "" if isinstance(data, str) else options.get("encoding", "")
        job = import_job_create(
            user=request.user,
            data=data.encode() if isinstance(data, str) else data,
            encoding=encoding,
            on_duplicate=options["on_duplicate"],
            skip_invalid=options["skip_invalid"],
            dry_run=True,
            format=reader,
        )
        import_preview_start(job)
        job.refresh_from_db()  # a worker may have run it already (tests: at once)
        data = import_job_data(job, url=self.import_job_url(request, job))
        return Response(data, status=status.HTTP_202_ACCEPTED)

    def import_job_url(self, request, job) -> str:
        return self.reverse_action("import-job", kwargs={"token": job.token})

    @extend_schema(
        summary="A dry run previewed by a background job",
        description="Where a large dry run stands; once `done`, `result` holds its answer.",
        request=None,
        responses={200: ImportJobSerializer, 404: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=r"import/jobs/(?P<token>[0-9a-f-]{36})",
        url_name="import-job",
    )
    def import_job(self, request, token):
        """A dry run job of the requesting curator (others' jobs are not found)."""
        job = get_object_or_404(ImportJob, token=token, user_id=request.user.pk, dry_run=True)
        return Response(import_job_data(job, url=self.import_job_url(request, job)))

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
    if declared_length(request) > settings.BIBTEX_IMPORT_MAX_BYTES:
        raise ImportTooLarge


def upload_name(data) -> str:
    """The file name of a multipart upload ("" for a body or JSON)."""
    upload = data.get("file") if isinstance(data, Mapping) else None
    return getattr(upload, "name", "") or ""


def import_format(request, name: str, data: str | bytes) -> str:
    """The reader of an import (`citations.readers.FORMATS`): an upload's extension, else
    the body's Content-Type (as DRF chooses parsers); JSON {"bibtex": ...} is BibTeX."""
    if name:
        return readers.format_for_filename(name, data, default=readers.BIBTEX)
    if isinstance(request.data, Mapping):
        return readers.BIBTEX
    found = readers.format_for_media_type(request.content_type) or readers.BIBTEX
    if found == readers.BIBTEX and readers.looks_like_medline(data):
        return readers.MEDLINE  # text/plain that PubMed saved: it starts "PMID- "
    return found


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
