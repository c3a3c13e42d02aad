"""Request parsers of the import: a body of BibTeX (or RIS, CSL-JSON, MEDLINE, PubMed XML:
`citations.readers`), read as bytes within a limit; the view picks the reader by the
Content-Type each parser accepts (`readers.format_for_media_type`).

The body is handed on undecoded: `citations.bibtex.decode_bytes` owns the decoding rule
(UTF-8, or the encoding given; never a guess), the same for the API, the admin and the
command.
A body over `BIBTEX_IMPORT_MAX_BYTES` is a 413, never read whole into memory.
"""

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser

TOO_LARGE = "The BibTeX is larger than the import limit of {limit} bytes."


class ImportTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(TOO_LARGE.format(limit=settings.BIBTEX_IMPORT_MAX_BYTES))


# Room a form upload needs besides the file: its other fields and the multipart headers.
FORM_OVERHEAD_BYTES = 64 * 1024


def declared_length(request) -> int:
    """The body size the client declared (Content-Length), 0 when none or unreadable."""
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def read_limited(stream) -> bytes:
    """All of `stream`, or ImportTooLarge once it passes the import limit."""
    limit = settings.BIBTEX_IMPORT_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImportTooLarge
    return data


class BibTeXParser(BaseParser):
    """`application/x-bibtex`: the body is a .bib file."""

    media_type = "application/x-bibtex"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return read_limited(stream)


class PlainTextParser(BibTeXParser):
    """`text/plain`: what `curl --data-binary` and most tools send for a text file."""

    media_type = "text/plain"


class RISParser(BibTeXParser):
    """`application/x-research-info-systems`: a RIS file."""

    media_type = "application/x-research-info-systems"


class CSLJSONParser(BibTeXParser):
    """`application/vnd.citationstyles.csl+json`: CSL-JSON, read by `readers.csl` (not DRF's
    JSON parser: its nesting is bounded there)."""

    media_type = "application/vnd.citationstyles.csl+json"


class MedlineParser(BibTeXParser):
    """`application/nbib`: PubMed MEDLINE, what "Send to: Citation manager" saves."""

    media_type = "application/nbib"


class PubMedXMLParser(BibTeXParser):
    """`application/xml`: PubMed XML (efetch), read with defusedxml by `readers.pubmed_xml`."""

    media_type = "application/xml"


class TextXMLParser(PubMedXMLParser):
    media_type = "text/xml"


# The body parsers of POST /api/references/import/ besides multipart and JSON.
IMPORT_BODY_PARSERS = [
    BibTeXParser,
    PlainTextParser,
    RISParser,
    CSLJSONParser,
    MedlineParser,
    PubMedXMLParser,
    TextXMLParser,
]
