"""Export renderers: BibTeX, CSL-JSON and RIS, the media types of doi.org's content negotiation.

Each renderer is a media type, a `?format=` name, a file extension and `stream(records)`
over the pure functions. Exports stream (`config.api.exports.export_response`); `render()` is what
DRF calls for anything else, i.e. error responses, which come back as short plain text so a
tool never mistakes "Not found." for a bibliography.
"""

from collections.abc import Iterable, Iterator

from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer

from citations import bibtex, citing, formats
from citations.bibliography_stream import TooManyToSort, stream_bibliography
from citations.text.records import BibRecord

PLAIN_TEXT = "text/plain; charset=utf-8"
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {"id": {"type": "string"}, "type": {"type": "string"}},
    },
}


def error_text(data) -> str:
    """An error payload ({"detail": ...}, field errors, a list) as lines of plain text."""
    if isinstance(data, dict):
        lines = [
            value if key == "detail" else f"{key}: {error_text(value).strip()}"
            for key, value in data.items()
        ]
        return "".join(f"{line}\n" for line in lines)
    if isinstance(data, list):
        return "".join(f"{error_text(item).strip()}\n" for item in data)
    return f"{data}\n"


class ExportRenderer(BaseRenderer):
    charset = "utf-8"
    extension = ""

    def stream(self, records: Iterable[BibRecord], **options) -> Iterator[str]:
        """The export text in chunks; options: `unicode` (BibTeX in UTF-8), `single` (one
        item, not a list, where the format has lists)."""
        raise NotImplementedError

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and (response.exception or response.status_code >= 400):
            response["Content-Type"] = PLAIN_TEXT
            return error_text(data).encode(self.charset)
        records = data if isinstance(data, list) else []
        return "".join(self.stream(records)).encode(self.charset)


class BibTeXRenderer(ExportRenderer):
    media_type = "application/x-bibtex"
    format = "bibtex"
    extension = "bib"

    def stream(self, records, *, unicode=False, **options):
        return bibtex.render_entries(records, unicode=unicode)


class CSLJSONRenderer(ExportRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csl"
    extension = "json"
    openapi_schema = CSL_SCHEMA  # what the API schema says the body is (config.api.exports)

    def stream(self, records, *, single=False, **options):
        return formats.render_csl(records, single=single)


class RISRenderer(ExportRenderer):
    media_type = "application/x-research-info-systems"
    format = "ris"
    extension = "ris"

    def stream(self, records, **options):
        return formats.render_ris(records)


class StyledRenderer(ExportRenderer):
    """A formatted bibliography: its options hold a checked CSL style id."""

    takes_style = True  # config.api.exports checks the style before the body streams

    @staticmethod
    def checked_style(asked: str) -> str:
        """The installed style asked for (APA when none), or a 400 naming the style list."""
        try:
            return citing.checked_style(asked)
        except citing.UnknownStyle as error:
            raise ValidationError({"style": [str(error)]}) from error

    @staticmethod
    def entries(records, style: str, *, single: bool, form: str = "text") -> Iterable[str]:
        """The entries of `records` in the style (one reference: its entry, without the "1."
        of a numbered style); a selection too large to sort as one list is a 400, raised
        here, before the response starts."""
        if single:
            return (citing.entry(record, style, form=form) for record in records)
        try:
            return stream_bibliography(records, style, form=form)
        except TooManyToSort as error:
            raise ValidationError(str(error)) from error


class FormattedTextRenderer(StyledRenderer):
    """A bibliography in a CSL style (`?style=` or `Accept: text/x-bibliography; style=`,
    APA when none), one entry a line, as doi.org answers `text/x-bibliography`."""

    media_type = "text/x-bibliography"
    format = "text"
    extension = "txt"

    def stream(self, records, *, style=citing.DEFAULT_STYLE, single=False, **options):
        entries = self.entries(records, style, single=single)  # or a 400, before any text
        return (entry + "\n" for entry in entries)


class FormattedHTMLRenderer(StyledRenderer):
    """The same bibliography as an HTML fragment (`?format=html`, or `Accept: text/html;
    style=...`): the `csl-bib-body`/`csl-entry` markup of citeproc-js, text escaped."""

    media_type = "text/html"
    format = "html"
    extension = "html"

    def stream(self, records, *, style=citing.DEFAULT_STYLE, single=False, **options):
        entries = self.entries(records, style, single=single, form="html")  # or a 400
        return self.fragment(entries)

    @staticmethod
    def fragment(entries: Iterable[str]) -> Iterator[str]:
        yield '<div class="csl-bib-body">\n'
        for entry in entries:
            yield f'  <div class="csl-entry">{entry}</div>\n'
        yield "</div>\n"


EXPORT_RENDERERS = (
    BibTeXRenderer,
    CSLJSONRenderer,
    RISRenderer,
    FormattedTextRenderer,
    FormattedHTMLRenderer,
)
