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

from citations.records import BibRecord, Name

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

# CSL-JSON variable for each BibTeX field that maps one to one.
CSL_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "booktitle": "container-title",
    "publisher": "publisher",
    "volume": "volume",
    "number": "issue",
    "edition": "edition",
    "doi": "DOI",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "isbn": "ISBN",
    "url": "URL",
    "abstract": "abstract",
}

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

# RIS tag for each BibTeX field that maps one to one (pages and names are split apart).
RIS_FIELDS = {
    "title": "TI",
    "journal": "T2",
    "booktitle": "T2",
    "year": "PY",
    "volume": "VL",
    "number": "IS",
    "publisher": "PB",
    "edition": "ET",
    "doi": "DO",
    "isbn": "SN",
    "url": "UR",
    "abstract": "AB",
    "pmid": "AN",
}

PAGE_RANGE = re.compile(r"\s*(?:-+|\u2013|\u2014)\s*")


def named(names: list[Name]) -> list[Name]:
    """The people of a name list, without BibTeX's "and others"."""
    return [name for name in names if not name.is_others]


def csl_name(name: Name) -> dict[str, str]:
    parts = {
        "family": name.family,
        "given": name.given,
        "non-dropping-particle": name.prefix,
        "suffix": name.suffix,
    }
    return {key: value for key, value in parts.items() if value}


def csl_issued(year: str) -> dict:
    if year.strip().isdigit():
        return {"date-parts": [[int(year)]]}
    return {"literal": year}


def csl_item(record: BibRecord) -> dict:
    """One record as a CSL-JSON item."""
    item = {
        "id": record.key,
        "citation-key": record.key,
        "type": CSL_TYPES.get(record.entry_type.lower(), CSL_DEFAULT_TYPE),
    }
    for field, variable in CSL_FIELDS.items():
        if record.fields.get(field):
            item[variable] = record.fields[field]
    if record.fields.get("pages"):
        item["page"] = PAGE_RANGE.sub("-", record.fields["pages"].strip())
    if record.fields.get("year"):
        item["issued"] = csl_issued(record.fields["year"])
    # CSL-JSON and RIS have no "et al." marker: BibTeX's "and others" is left out.
    if authors := named(record.authors):
        item["author"] = [csl_name(name) for name in authors]
    if editors := named(record.editors):
        item["editor"] = [csl_name(name) for name in editors]
    return item


def render_csl(records: Iterable[BibRecord]) -> Iterator[str]:
    """A CSL-JSON array, in chunks: "[", then one item per chunk, then "]"."""
    separator = "[\n"
    for record in records:
        yield separator + json.dumps(csl_item(record), ensure_ascii=False)
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


def ris_name(name: Name) -> str:
    family = f"{name.prefix} {name.family}".strip()
    parts = [family] + [part for part in (name.given, name.suffix) if part]
    return ", ".join(parts)


def ris_line(tag: str, value: str) -> str:
    # A RIS value is one line: newlines inside an abstract would end the field early.
    return f"{tag}  - {' '.join(value.split())}\n"


def ris_pages(pages: str) -> list[str]:
    start, _, end = PAGE_RANGE.sub("-", pages.strip()).partition("-")
    lines = [ris_line("SP", start)] if start else []
    return lines + ([ris_line("EP", end)] if end else [])


def render_ris_entry(record: BibRecord) -> str:
    """One record as a RIS entry, from `TY` to `ER`."""
    lines = [ris_line("TY", RIS_TYPES.get(record.entry_type.lower(), RIS_DEFAULT_TYPE))]
    lines += [ris_line("AU", ris_name(name)) for name in named(record.authors)]
    lines += [ris_line("A2", ris_name(name)) for name in named(record.editors)]
    for field, tag in RIS_FIELDS.items():
        if record.fields.get(field, "").strip():
            lines.append(ris_line(tag, record.fields[field]))
    lines += ris_pages(record.fields.get("pages", ""))
    lines.append(ris_line("ID", record.key))
    lines.append("ER  - \n")
    return "".join(lines)


def render_ris(records: Iterable[BibRecord]) -> Iterator[str]:
    for record in records:
        yield render_ris_entry(record) + "\n"
