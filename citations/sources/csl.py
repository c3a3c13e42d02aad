"""CSL-JSON items (doi.org content negotiation) and Crossref works -> plain records.

A Crossref work is CSL-JSON's cousin: the same `author`, `issued`, `page`, `volume`, but
`title` and `container-title` are lists and `type` uses Crossref's names. `record_from_csl`
reads both: a list takes its first element. `csl_types` maps the item's type to a BibTeX
entry type (the inverse of citations.formats.CSL_TYPES for doi.org; Crossref's own table).
"""

import html
import re

from citations.sources.results import date_from_parts
from citations.text.records import DEFAULT_ENTRY_TYPE, IN_BOOK_TYPES, BibRecord, Name

CSL_ENTRY_TYPES = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "dataset": "misc",
    "webpage": "online",
    "manuscript": "unpublished",
}
PAGE_RANGE = re.compile(r"^\s*(\w+)\s*(?:-+|\u2013|\u2014)\s*(\w+)\s*$")
ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
# Inline markup publishers deposit in titles (JATS/HTML/MathML): the text is kept, tags go.
MARKUP = re.compile(r"</?(?:i|b|em|strong|sub|sup|scp|u|sc|span|mml:[a-z]+)\b[^>]*>", re.I)


def first(value) -> str:
    """A CSL string, or the first of Crossref's list of strings, as plain text; "" if absent."""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = html.unescape(MARKUP.sub("", str(value or "")))
    return " ".join(text.split())


def pages(value: str) -> str:
    """BibTeX's page range: "2383-2390" -> "2383--2390"."""
    match = PAGE_RANGE.match(value or "")
    return f"{match.group(1)}--{match.group(2)}" if match else (value or "").strip()


def csl_name(person: dict) -> Name:
    if person.get("family"):
        return Name(
            family=first(person["family"]),
            given=first(person.get("given")),
            prefix=first(person.get("non-dropping-particle")),
            suffix=first(person.get("suffix")),
        )
    return Name(family=first(person.get("name") or person.get("literal")))


def orcid(person: dict) -> str:
    match = ORCID.search(str(person.get("ORCID") or "").strip().upper())
    return match.group(1) if match else ""


def year(item: dict) -> str:
    for name in ("issued", "published-print", "published-online", "published", "created"):
        when = date_from_parts(item.get(name))
        if when:
            return str(when.year)
    return ""


def record_from_csl(item: dict, *, key: str = "", types=None) -> BibRecord:
    """One CSL-JSON item or Crossref work as a record (no title: an empty "title")."""
    entry_type = (types or CSL_ENTRY_TYPES).get(item.get("type", ""), DEFAULT_ENTRY_TYPE)
    container = "booktitle" if entry_type in IN_BOOK_TYPES else "journal"
    fields = {
        "title": first(item.get("title")),
        "subtitle": first(item.get("subtitle")),
        container: first(item.get("container-title")),
        "publisher": first(item.get("publisher")),
        "year": year(item),
        "volume": first(item.get("volume")),
        "number": first(item.get("issue")),
        "pages": pages(first(item.get("page"))),
        "edition": first(item.get("edition")),
        "doi": first(item.get("DOI")).lower(),
        "isbn": first(item.get("ISBN")),
    }
    return BibRecord(
        entry_type=entry_type,
        key=key,
        fields={name: value for name, value in fields.items() if value},
        authors=[csl_name(p) for p in item.get("author") or [] if isinstance(p, dict)],
        editors=[csl_name(p) for p in item.get("editor") or [] if isinstance(p, dict)],
    )


def orcids(item: dict) -> tuple[str, ...]:
    return tuple(orcid(p) for p in item.get("author") or [] if isinstance(p, dict))
