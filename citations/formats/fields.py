"""What the CSL-JSON and RIS exports share: a field of a plain record as plain text (LaTeX
resolved, a title sentence-cased for an English entry as pandoc's BibTeX reader does), a page
range split, the names that are people (no "and others"), and the notice of an incomplete
author list."""

import re

from citations.text import latex, protection, rich
from citations.text.protection import PROTECTED_WORDS
from citations.text.records import BibRecord, Name

# Fields the readers keep for variables and tags they do not map (`citations.readers`):
# "csl-<variable>" and "ris-<tag>" go back out as what they were.
CSL_EXTRA_PREFIX, RIS_EXTRA_PREFIX = "csl-", "ris-"
IDENTIFIER_FIELDS = {"doi", "pmid", "pmcid", "isbn", "issn", "url"}
ET_AL_NOTE = "The author list is incomplete (et al.)."

UNKNOWN = re.compile(r"\?+\Z")  # "??": a value the file's author did not know
RANGE_SEPARATOR = re.compile(r"\s*(?:--+|\u2013|\u2014)\s*")
HYPHEN = re.compile(r"\s*-\s*")


def page_range(pages: str) -> tuple[str, str]:
    """First and last page: split at `--` or a dash when there is one ("M-1--M-11" ->
    M-1, M-11), else at a single hyphen ("12-19"); hyphens inside page ids stay."""
    pages = pages.strip()
    parts = RANGE_SEPARATOR.split(pages, maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    parts = HYPHEN.split(pages)
    if len(parts) == 2:
        return parts[0], parts[1]
    return pages, ""


def text(value: str) -> str:
    """A stored (decoded) text as plain text: every LaTeX command resolved (see `rich`).
    Encoded as Unicode LaTeX: the ASCII form writes some characters as what they print
    (ligatures, soft hyphens), which CSL-JSON and RIS keep as they are."""
    return rich.plain(latex.encode(value, unicode=True)) if value else ""


# Fields that are titles: sentence-cased for English entries as pandoc's BibTeX reader does.
TITLE_FIELDS = {"title", "booktitle", "series", "maintitle", "eventtitle"}
# `langid` values pandoc treats as English (Text.Pandoc.Citeproc.BibTeX: langid absent, or a
# babel name of an English variant).
ENGLISH = {"", "english", "american", "british", "usenglish", "ukenglish", "canadian"}
ENGLISH |= {"australian", "newzealand", "en", "en-us", "en-gb"}


def latex_of(record: BibRecord, field: str) -> str:
    """The LaTeX of a field: as imported while unedited (it keeps the braces that protect
    words), else the stored text written back as LaTeX."""
    value = record.fields.get(field, "")
    source = record.sources.get(field)
    unedited = source is not None and latex.decode(source) == value
    if field not in TITLE_FIELDS:
        return source if unedited else latex.encode(value, unicode=True)
    if unedited and PROTECTED_WORDS not in record.sources:
        return source
    # The words our BibTeX export protects (acronyms, "Mx1", the words the imported LaTeX or
    # a curator protected), so both formats case alike.
    return protection.encode_title(value, record.sources, (field,))


def is_english(record: BibRecord) -> bool:
    language = record.fields.get("langid") or record.fields.get("hyphenation") or ""
    return language.strip().lower() in ENGLISH


def title_latex(record: BibRecord, field: str = "title") -> str:
    """A title field with biblatex's `subtitle` (after ": ") and `titleaddon` (after ". "),
    joined as pandoc joins them."""
    source = latex_of(record, field)
    if field == "title":
        for extra, separator in (("subtitle", ": "), ("titleaddon", ". ")):
            if record.fields.get(extra, "").strip():
                source += separator + latex_of(record, extra)
    return source


def field_text(record: BibRecord, field: str, *, markup: bool) -> str:
    """A field as CSL rich text (`markup`) or plain text; titles of English entries in
    sentence case, as pandoc reads them from BibTeX."""
    if field in TITLE_FIELDS:
        source, title = title_latex(record, field), is_english(record)
    else:
        source, title = latex_of(record, field), False
    return (rich.rich if markup else rich.plain)(source, title=title)


def named(names: list[Name]) -> list[Name]:
    """The people of a name list, without BibTeX's "and others"."""
    return [name for name in names if not name.is_others]
