"""CSL-JSON and RIS from plain records: the two export formats besides BibTeX.

CSL-JSON is the citation data of Citation Style Language processors (Zotero, Pandoc,
citeproc-js), what doi.org answers for `application/vnd.citationstyles.csl+json`: a JSON
array of items with `id`, `type`, `title`, `author: [{family, given}]`, `issued:
{date-parts: [[year]]}`. RIS is the tagged format of reference managers (EndNote, Zotero,
Mendeley), what doi.org answers for `application/x-research-info-systems`: one `TAG  - value`
line per field, an entry from `TY` to `ER`.

Both render lazily, one entry at a time, so an export of any size streams.
"""

import json
import re
from collections.abc import Iterable, Iterator

from citations.text import latex
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
# Fields the readers keep for variables and tags they do not map (`citations.readers`):
# "csl-<variable>" and "ris-<tag>" go back out as what they were.
CSL_EXTRA_PREFIX, RIS_EXTRA_PREFIX = "csl-", "ris-"
# Reports and patents have a number, journals an issue.
NUMBERED_TYPES = {"techreport", "report", "manual", "patent"}
IDENTIFIER_FIELDS = {"doi", "pmid", "pmcid", "isbn", "issn", "url"}

RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    "inproceedings": "CPAPER",
    "conference": "CPAPER",
    "proceedings": "CONF",
    "mastersthesis": "THES",
    "phdthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "online": "ELEC",
    "unpublished": "UNPB",
}
RIS_DEFAULT_TYPE = "GEN"
# Editors as Zotero's RIS translator (zotero/translators RIS.js) reads them: A3 is the editor
# of a book (A2 would be its series editor), A2 the editor of a chapter, paper or article.
RIS_BOOK_TYPES = {"BOOK", "CONF"}

# RIS tag for each BibTeX field that maps one to one (pages, names, IDs are set apart).
RIS_FIELDS = {
    "title": "TI",
    "journal": "T2",
    "journaltitle": "T2",
    "booktitle": "T2",
    "series": "T3",
    "year": "PY",
    "volume": "VL",
    "number": "IS",
    "publisher": "PB",
    "institution": "PB",
    "school": "PB",
    "organization": "PB",
    "address": "CY",
    "location": "CY",
    "edition": "ET",
    "doi": "DO",
    "isbn": "SN",
    "issn": "SN",
    "url": "UR",
    "note": "N1",
    "abstract": "AB",
    "language": "LA",
    "shortjournal": "J2",
}
# PubMed's identifiers where PubMed-derived RIS (EndNote's PubMed filter, NCBI's exports)
# puts them: the PMID as the accession number (AN) of database (DB) PubMed, the PMCID in C2.
RIS_PMID, RIS_PMID_DATABASE, RIS_PMCID = "AN", "PubMed", "C2"
ET_AL_NOTE = "The author list is incomplete (et al.)."

RANGE_SEPARATOR = re.compile(r"\s*(?:--+|\u2013|\u2014)\s*")
HYPHEN = re.compile(r"\s*-\s*")
MONTHS = {
    name: index
    for index, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


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
    """A stored text as plain text: TeX ligatures and inline math as what they print."""
    return latex.plain_text(value)


def named(names: list[Name]) -> list[Name]:
    """The people of a name list, without BibTeX's "and others"."""
    return [name for name in names if not name.is_others]


def csl_name(name: Name) -> dict[str, str]:
    if name.is_others:
        # pandoc's citeproc renders a last name {"literal": "others"} as "et al." (what
        # BibTeX's "and others" means); dropping it would claim the list is complete.
        return {"literal": "others"}
    parts = {
        "family": text(name.family),
        "given": text(name.given),
        "non-dropping-particle": text(name.prefix),
        "suffix": text(name.suffix),
    }
    return {key: value for key, value in parts.items() if value}


def month_number(month: str) -> int | None:
    month = month.strip().lower()
    if month.isdigit() and 1 <= int(month) <= 12:
        return int(month)
    return MONTHS.get(month[:3])


def csl_issued(year: str, month: str = "", day: str = "") -> dict:
    if not year.strip().isdigit():
        return {"literal": year}
    parts = [int(year)]
    if (number := month_number(month)) is not None:
        parts.append(number)
        if day.strip().isdigit():
            parts.append(int(day))
    return {"date-parts": [parts]}


def csl_item(record: BibRecord) -> dict:
    """One record as a CSL-JSON item; a retraction notice goes in `note` (after the user's)."""
    fields = with_notice(record.fields, record.notice, ("note",))
    item = {
        "id": record.key,
        "citation-key": record.key,
        "type": CSL_TYPES.get(record.entry_type.lower(), CSL_DEFAULT_TYPE),
    }
    for field, variable in CSL_FIELDS.items():
        if fields.get(field) and variable not in item:
            value = fields[field]
            item[variable] = value if field in IDENTIFIER_FIELDS else text(value)
    if fields.get("number"):
        numbered = record.entry_type.lower() in NUMBERED_TYPES
        item["number" if numbered else "issue"] = text(fields["number"])
    if fields.get("pages"):
        first, last = page_range(fields["pages"])
        dash = "\u2013" if "-" in first + last else "-"
        item["page"] = f"{first}{dash}{last}" if last else first
    if fields.get("year"):
        item["issued"] = csl_issued(fields["year"], fields.get("month", ""), fields.get("day", ""))
    if record.authors:
        item["author"] = [csl_name(name) for name in record.authors]
    if record.editors:
        item["editor"] = [csl_name(name) for name in record.editors]
    for field, value in fields.items():
        variable = field.removeprefix(CSL_EXTRA_PREFIX)
        if field.startswith(CSL_EXTRA_PREFIX) and variable not in item and value:
            item[variable] = _json_or_text(value)
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


def ris_name(name: Name) -> str:
    family = f"{name.prefix} {name.family}".strip()
    parts = [family] + [part for part in (name.given, name.suffix) if part]
    return text(", ".join(parts))


def ris_line(tag: str, value: str) -> str:
    # A RIS value is one line: newlines inside an abstract would end the field early.
    return f"{tag}  - {' '.join(value.split())}\n"


def ris_pages(pages: str) -> list[str]:
    start, end = page_range(pages)
    lines = [ris_line("SP", start)] if start else []
    return lines + ([ris_line("EP", end)] if end else [])


def render_ris_entry(record: BibRecord) -> str:
    """One record as a RIS entry, from `TY` to `ER`."""
    fields = record.fields
    kind = RIS_TYPES.get(record.entry_type.lower(), RIS_DEFAULT_TYPE)
    lines = [ris_line("TY", kind)]
    lines += [ris_line("AU", ris_name(name)) for name in named(record.authors)]
    editor_tag = "A3" if kind in RIS_BOOK_TYPES else "A2"
    lines += [ris_line(editor_tag, ris_name(name)) for name in named(record.editors)]
    used: set[str] = set()
    for field, tag in RIS_FIELDS.items():
        value = fields.get(field, "").strip()
        if value and (tag not in used or tag == "SN"):
            used.add(tag)
            lines.append(ris_line(tag, value if field in IDENTIFIER_FIELDS else text(value)))
    if (month := month_number(fields.get("month", ""))) and fields.get("year", "").isdigit():
        day = fields.get("day", "").strip()
        day = f"{int(day):02d}" if day.isdigit() else ""
        lines.append(ris_line("DA", f"{fields['year']}/{month:02d}/{day}"))
    for keyword in (k.strip() for k in fields.get("keywords", "").split(",")):
        if keyword:
            lines.append(ris_line("KW", keyword))
    lines += ris_pages(fields.get("pages", ""))
    if fields.get("pmid", "").strip():
        lines += [ris_line(RIS_PMID, fields["pmid"]), ris_line("DB", RIS_PMID_DATABASE)]
    if fields.get("pmcid", "").strip():
        lines.append(ris_line(RIS_PMCID, fields["pmcid"]))
    if len(named(record.authors)) < len(record.authors):
        lines.append(ris_line("N1", ET_AL_NOTE))
    if record.notice:  # N1 repeats: the notice is its own note, beside the user's
        lines.append(ris_line("N1", record.notice))
    for field, value in fields.items():
        tag = field.removeprefix(RIS_EXTRA_PREFIX)
        if field.startswith(RIS_EXTRA_PREFIX) and len(tag) == 2 and value.strip():
            lines.append(ris_line(tag, value))
    lines.append(ris_line("ID", record.key))
    lines.append("ER  - \n")
    return "".join(lines)


def render_ris(records: Iterable[BibRecord]) -> Iterator[str]:
    for record in records:
        yield render_ris_entry(record) + "\n"
