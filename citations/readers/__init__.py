"""Readers of the formats curators already hold, besides BibTeX (`citations.bibtex`):
RIS (`ris`), CSL-JSON (`csl`), PubMed MEDLINE/.nbib (`medline`) and PubMed XML
(`pubmed_xml`). Each is pure, text in and a `ReadResult` out: plain `BibRecord`s, the
records the BibTeX reader produces, and `ParseProblem`s with the line (or, for JSON and
XML, the entry's number) of their entry, so every format enters the same import pipeline
(`citations.importing`: duplicates, citekeys, all-or-nothing, dry runs).

A format is named by its key in `FORMATS` ("bibtex", "ris", "csl", "medline",
"pubmed-xml"); `format_for_media_type` chooses it from a request's Content-Type (as DRF's
parsers do), `format_for_filename` from an upload's extension.
"""

from collections.abc import Callable

from citations.readers import csl, medline, pubmed_xml, ris
from citations.readers.common import ReadResult

BIBTEX, RIS, CSL, MEDLINE, PUBMED_XML = "bibtex", "ris", "csl", "medline", "pubmed-xml"
# Format -> reader (BibTeX has its own streaming reader, `citations.bibtex.Reader`).
READERS: dict[str, Callable[..., ReadResult]] = {
    RIS: ris.read,
    CSL: csl.read,
    MEDLINE: medline.read,
    PUBMED_XML: pubmed_xml.read,
}
FORMATS = (BIBTEX, *READERS)
LABELS = {
    BIBTEX: "BibTeX",
    RIS: "RIS",
    CSL: "CSL-JSON",
    MEDLINE: "PubMed MEDLINE (.nbib)",
    PUBMED_XML: "PubMed XML",
}
MEDIA_TYPES = {
    "application/x-bibtex": BIBTEX,
    "text/x-bibtex": BIBTEX,
    "text/plain": BIBTEX,
    "application/x-research-info-systems": RIS,
    "application/vnd.citationstyles.csl+json": CSL,
    "application/nbib": MEDLINE,
    "application/x-medline": MEDLINE,
    "application/xml": PUBMED_XML,
    "text/xml": PUBMED_XML,
}
EXTENSIONS = {
    ".bib": BIBTEX,
    ".bibtex": BIBTEX,
    ".ris": RIS,
    ".json": CSL,
    ".csl": CSL,
    ".nbib": MEDLINE,
    ".medline": MEDLINE,
    ".xml": PUBMED_XML,
}
UNKNOWN_EXTENSION = (
    "Cannot tell the format of {name!r} from its extension: use one of "
    + ", ".join(EXTENSIONS)
    + " (or name the format)."
)


def format_for_media_type(media_type: str) -> str | None:
    """ "application/x-research-info-systems; charset=utf-8" -> "ris"; None when unknown."""
    return MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())


def format_for_filename(name: str, data: str | bytes = b"", default: str | None = None):
    """ "refs.ris" -> "ris"; a .txt file (PubMed saves MEDLINE as pubmed-....txt) is
    MEDLINE when it starts like one ("PMID- "), else BibTeX; `default` when the extension
    says nothing."""
    lowered = name.lower()
    suffix = lowered[lowered.rfind(".") :] if "." in lowered else ""
    if suffix == ".txt":
        return MEDLINE if looks_like_medline(data) else BIBTEX
    return EXTENSIONS.get(suffix, default)


def looks_like_medline(data: str | bytes) -> bool:
    head = data[:200].lstrip()
    return head.startswith(b"PMID-" if isinstance(data, bytes) else "PMID-")


__all__ = [
    "BIBTEX",
    "CSL",
    "EXTENSIONS",
    "FORMATS",
    "LABELS",
    "MEDIA_TYPES",
    "MEDLINE",
    "PUBMED_XML",
    "READERS",
    "RIS",
    "ReadResult",
    "format_for_filename",
    "format_for_media_type",
    "looks_like_medline",
]
