"""Exports by content negotiation: list and retrieve also answer in a viewset's export formats.

An export (`?format=bibtex|csl|ris` or the matching `Accept`) answers a list or a detail
with the records it selects. Exports are unpaginated and stream, so memory stays constant
whatever their size. A viewset names its export renderers (`export_renderers`: classes with
a media type, a `?format=` name, a file extension, a charset and `stream(records, **options)`)
and turns what it selects into what they stream (`export_records`); the references' exports
are citations.api.views.ReferenceExportMixin.
"""

import re

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.mediatypes import _MediaType, media_type_matches

EXPORT_ACTIONS = {"list", "retrieve"}
UTF8_NAMES = {"utf-8", "utf8"}


def export_schema(serializer, description: str, renderers):
    """Declare JSON and each export media type as responses of list and retrieve; a renderer
    may say what its body looks like (`openapi_schema`), else it is text."""
    responses = {(200, JSONRenderer.media_type): serializer}
    for renderer in renderers:
        responses[(200, renderer.media_type)] = OpenApiResponse(
            getattr(renderer, "openapi_schema", OpenApiTypes.STR),
            description=f"{description} as {renderer.format}",
        )
    return extend_schema(responses=responses)


def export_filename(stem: str, renderer) -> str:
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '_', stem)}.{renderer.extension}"


def accepted_params(request) -> dict:
    """The parameters of the Accept range that chose the export renderer (`charset`, `style`)."""
    renderer = getattr(request, "accepted_renderer", None)
    params = dict(_MediaType(getattr(request, "accepted_media_type", "") or "").params)
    if renderer is not None:
        for media_range in accepted_ranges(request.META.get("HTTP_ACCEPT") or ""):
            wildcard = "*" in f"{media_range.main_type}/{media_range.sub_type}"
            if not wildcard and _MediaType(renderer.media_type).match(media_range):
                return {**media_range.params, **params}
    return params


def export_options(request, renderer=None, *, single: bool = False) -> dict:
    """Options of an export: `charset=utf-8` (BibTeX in UTF-8 for biber and XeLaTeX rather
    than pdfLaTeX-safe ASCII), `single` (one reference: CSL-JSON is one object, as doi.org
    answers), and for formatted citations the `style` (from `?style=` or the Accept range's
    `style=`; an unknown one is a 400 naming where the styles are listed)."""
    params = accepted_params(request)
    charset = request.query_params.get("charset", "") or params.get("charset", "")
    options = {"unicode": charset.strip().lower() in UTF8_NAMES, "single": single}
    if getattr(renderer, "takes_style", False):
        asked = request.query_params.get("style") or params.get("style", "")
        options["style"] = renderer.checked_style(asked.strip('"'))  # or a 400
    return options


def export_response(request, records, stem: str, *, single: bool = False):
    """Stream `records` in the negotiated export format as an attachment."""
    renderer = request.accepted_renderer
    options = export_options(request, renderer, single=single)
    response = StreamingHttpResponse(
        renderer.stream(records, **options),
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
            if "style" in media_range.params:  # text/html; style=apa: a formatted citation
                renderers = sorted(renderers, key=lambda r: not getattr(r, "takes_style", 0))
            for renderer in renderers:
                if media_type_matches(renderer.media_type, str(media_range)):
                    return renderer, renderer.media_type
        raise NotAcceptable(available_renderers=renderers)


class ExportMixin:
    """List and retrieve also answer in the formats of `export_renderers`.

    A viewset says which records an export selects: `references_of_list(queryset)` and
    `references_of(obj)`, turned into what the renderers stream by `export_records`, and
    names the file with `export_stem(obj)`.
    """

    export_renderers: tuple = ()
    list_export_stem = "references"
    content_negotiation_class = ExportNegotiation
    export_single = False  # A detail export is one item (a reference), not a list.

    def export_records(self, selected):
        raise NotImplementedError

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action in EXPORT_ACTIONS:
            renderers += [renderer() for renderer in self.export_renderers]
        return renderers

    def is_export(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return isinstance(renderer, tuple(self.export_renderers))

    def list(self, request, *args, **kwargs):
        if not self.is_export():
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        records = self.export_records(self.references_of_list(queryset))
        return export_response(request, records, self.list_export_stem)

    def retrieve(self, request, *args, **kwargs):
        if not self.is_export():
            return super().retrieve(request, *args, **kwargs)
        obj = self.get_object()
        records, stem = self.export_records(self.references_of(obj)), self.export_stem(obj)
        return export_response(request, records, stem, single=self.export_single)
