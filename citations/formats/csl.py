"""CSL-JSON from plain records: the citation data of Citation Style Language processors
(Zotero, Pandoc, citeproc-js), what doi.org answers for `application/vnd.citationstyles.csl+json`:
a JSON array of items with `id`, `type`, `title`, `author: [{family, given}]`, `issued:
{date-parts: [[year]]}`. Rendered lazily, one item at a time, so an export of any size
streams."""

import json
from collections.abc import Iterable, Iterator

from citations.formats.fields import (
    CSL_EXTRA_PREFIX,
    ET_AL_NOTE,
    IDENTIFIER_FIELDS,
    UNKNOWN,
    field_text,
    named,
    page_range,
    text,
)
from citations.text import dates
from citations.text.records import BibRecord, Name, with_notice

CSL_TYPES = {
    "article": "article-journal",
    "book": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "manual": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "online": "webpage",
    "unpublished": "manuscript",
}
CSL_DEFAULT_TYPE = "document"

# CSL-JSON variable for each BibTeX field that maps one to one (the first present wins).
CSL_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "publisher": "publisher",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "volume": "volume",
    "edition": "edition",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "isbn": "ISBN",
    "issn": "ISSN",
    "url": "URL",
    "note": "note",
    "abstract": "abstract",
    "keywords": "keyword",
    "language": "language",
    "shortjournal": "container-title-short",
    "shorttitle": "title-short",
}
# biblatex fields pandoc's BibTeX reader maps the same way: the kind of thesis or report,
# an article's number (eid: "e1002", where pages would be), the chapter of a @inbook.
CSL_MORE_FIELDS = {"type": "genre", "eid": "number", "chapter": "chapter-number"}
# `BibRecord.sources[CSL_KEPT + variable]`: a CSL variable as a CSL-JSON file wrote it, where
# our export of what it was read as would differ (a title in title case, a magazine article,
# a date range, a season), with the fields it was read as: JSON `[value, {field: text}]`
# ("@type" is the entry type). The export writes it back while those fields are unchanged.
CSL_KEPT = "@csl:"
# Reports and patents have a number, journals an issue.
NUMBERED_TYPES = {"techreport", "report", "manual", "patent"}


def csl_pages(pages: str) -> tuple[str, str]:
    """First and last page as CSL reads them: a range of one page is that page ("172--172"
    -> 172, which styles would print "172–2" or "172–"), and "??", the mark of a page not
    known, is no page ("161--??" -> 161; "??--??" -> none)."""
    first, last = page_range(pages) if pages.strip() else ("", "")
    first, last = ("" if UNKNOWN.match(part) else part for part in (first, last))
    if not first or last == first:
        return first, ""
    return first, last


def csl_name(name: Name) -> dict[str, str]:
    parts = {
        "family": text(name.family),
        "given": text(name.given),
        "non-dropping-particle": text(name.prefix),
        "suffix": text(name.suffix),
    }
    return {key: value for key, value in parts.items() if value}


def csl_item(record: BibRecord) -> dict:
    """One record as a CSL-JSON item; a retraction notice goes in `note` (after the user's)."""
    fields = with_notice(record.fields, record.notice, ("note",))
    item = {
        "id": record.key,
        "citation-key": record.key,
        "type": CSL_TYPES.get(record.entry_type.lower(), CSL_DEFAULT_TYPE),
    }
    record = BibRecord(**{**vars(record), "fields": fields})
    for field, variable in CSL_FIELDS.items():
        if fields.get(field) and variable not in item:
            value = fields[field]
            item[variable] = (
                value if field in IDENTIFIER_FIELDS else field_text(record, field, markup=True)
            )
    if fields.get("number"):
        numbered = record.entry_type.lower() in NUMBERED_TYPES
        item["number" if numbered else "issue"] = text(fields["number"])
    first, last = csl_pages(fields.get("pages", ""))
    if first:
        dash = "\u2013" if "-" in first + last else "-"
        item["page"] = f"{first}{dash}{last}" if last else first
    if fields.get("date", "").strip():
        item["issued"] = dates.csl_date(fields["date"])
    elif fields.get("year"):
        year, month, day = (text(fields.get(name, "")) for name in ("year", "month", "day"))
        item["issued"] = dates.csl_year_date(year, month, day)
    if fields.get("urldate", "").strip():
        item["accessed"] = dates.csl_date(fields["urldate"])
    for field, variable in CSL_MORE_FIELDS.items():
        if fields.get(field, "").strip() and variable not in item:
            item[variable] = field_text(record, field, markup=True)
    # BibTeX's "and others" is no person: CSL has no field for "the list goes on" (citeproc-js
    # would print an author "others", pandoc 2 "Doe, J.others"), so it is dropped and the
    # truncation said in `note`, which Zotero imports as Extra and styles do not print.
    for role, names in (("author", record.authors), ("editor", record.editors)):
        # A name that is only a macro the file's @preamble defined ("\\Thanh{}") is no name.
        people = [person for person in map(csl_name, named(names)) if person]
        if people:
            item[role] = people
        if len(named(names)) < len(names) and ET_AL_NOTE not in item.get("note", ""):
            item["note"] = f"{item['note']}\n{ET_AL_NOTE}" if item.get("note") else ET_AL_NOTE
    for field, value in fields.items():
        variable = field.removeprefix(CSL_EXTRA_PREFIX)
        if field.startswith(CSL_EXTRA_PREFIX) and variable not in item and value:
            item[variable] = _json_or_text(value)
    # "????" for a publisher, a place or an issue is no value: styles would print it (values
    # kept as a CSL-JSON file wrote them come back as they were).
    item = {name: value for name, value in item.items() if not UNKNOWN.match(str(value))}
    return _with_kept(item, record) if record.sources else item


# CSL's two variables for the one `number` field: a kept one replaces the other.
OTHER_NUMBER = {"number": "issue", "issue": "number"}


def kept_variables(record: BibRecord) -> dict:
    """The CSL variables kept as written (`CSL_KEPT`) whose fields are still as read."""
    current = {**record.fields, "@type": record.entry_type}
    kept = {}
    for key, source in record.sources.items():
        if not key.startswith(CSL_KEPT):
            continue
        try:
            value, read_as = json.loads(source)
        except (ValueError, TypeError):
            continue
        if isinstance(read_as, dict) and all(current.get(f, "") == v for f, v in read_as.items()):
            kept[key.removeprefix(CSL_KEPT)] = value
    return kept


def _with_kept(item: dict, record: BibRecord) -> dict:
    kept = kept_variables(record)
    for variable, value in kept.items():
        other = OTHER_NUMBER.get(variable)
        if other and other not in kept and item.get(other) == text(record.fields.get("number", "")):
            del item[other]  # the field went out as the other variable: it is this one
            if record.fields.get(CSL_EXTRA_PREFIX + other):  # the other, kept apart
                item[other] = _json_or_text(record.fields[CSL_EXTRA_PREFIX + other])
        item[variable] = value
    return item


def _json_or_text(value: str):
    """A kept CSL variable: structured ones were kept as JSON text."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


def render_csl(records: Iterable[BibRecord], *, single: bool = False) -> Iterator[str]:
    """A CSL-JSON array, in chunks: "[", then one item per chunk, then "]"; with `single`,
    the first item alone (one reference, as doi.org answers)."""
    if single:
        for record in records:
            yield json.dumps(csl_item(record), ensure_ascii=False) + "\n"
            return
        yield "{}\n"
        return
    separator = "[\n"
    for record in records:
        yield separator + json.dumps(csl_item(record), ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"
