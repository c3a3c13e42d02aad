"""RIS from plain records: the tagged format of reference managers (EndNote, Zotero,
Mendeley), what doi.org answers for `application/x-research-info-systems`: one `TAG  - value`
line per field, an entry from `TY` to `ER`. Rendered lazily, one entry at a time, so an export
of any size streams."""

from collections.abc import Iterable, Iterator

from citations.formats.fields import (
    ET_AL_NOTE,
    IDENTIFIER_FIELDS,
    RIS_EXTRA_PREFIX,
    field_text,
    named,
    page_range,
    text,
)
from citations.text import dates
from citations.text.records import BibRecord, Name

RIS_TYPES = {
    "article": "JOUR",
    "book": "BOOK",
    "inbook": "CHAP",
    "incollection": "CHAP",
    # A paper in proceedings is CONF, as Zotero's RIS.js exports a conference paper (it reads
    # CPAPER the same); citation-js reads the proceedings title (C3) only under CONF.
    "inproceedings": "CONF",
    "conference": "CONF",
    # A whole proceedings volume is a book to Zotero (RIS.js has no proceedings type: CONF
    # and CPAPER both import as a conference paper).
    "proceedings": "BOOK",
    "mastersthesis": "THES",
    "phdthesis": "THES",
    "thesis": "THES",
    "techreport": "RPRT",
    "report": "RPRT",
    "online": "ELEC",
    "unpublished": "UNPB",
}
RIS_DEFAULT_TYPE = "GEN"
# Editors as Zotero's RIS translator (zotero/translators RIS.js) reads them: A2 is the editor
# of a chapter, paper or article; a book's editor is ED (RIS.js reads it as the editor of any
# type; its own A3 for a book's editor is unread by pandoc, whose RIS reader takes ED and A2,
# and A2 of a book would be Zotero's series editor).
RIS_BOOK_TYPES = {"BOOK"}

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
# Where Zotero's RIS.js (zotero/translators, `fieldMap`) reads a field differently by type:
# a conference paper's T2 is the conference name, its proceedings title C3, its place C1
# (CY is excluded); a report's SN is its number, T2 its series, M3 its kind (as a thesis's);
# a book's T2 is its series. None: the type has no tag for the field.
RIS_TYPE_TAGS = {
    "CONF": {"booktitle": "C3", "eventtitle": "T2", "address": "C1", "location": "C1"},
    "RPRT": {"number": "SN", "series": "T2", "type": "M3", "isbn": None, "issn": None},
    "THES": {"type": "M3"},
    "BOOK": {"series": "T2", "booktitle": None},
    "JOUR": {"isbn": None},  # SN is a journal article's ISSN
}
# PubMed's identifiers where PubMed-derived RIS (EndNote's PubMed filter, NCBI's exports)
# puts them: the PMID as the accession number (AN) of database (DB) PubMed, the PMCID in C2.
# Zotero reads AN as the archive location; citation-js (plugin-ris) reads C2 as the PMCID of
# a JOUR and no tag as a PMID (and M2, Zotero's Extra, as a journal article's first page).
RIS_PMID, RIS_PMID_DATABASE, RIS_PMCID = "AN", "PubMed", "C2"


def ris_name(name: Name) -> str:
    family = f"{name.prefix} {name.family}".strip()
    parts = [family] + [part for part in (name.given, name.suffix) if part]
    # "PEPI Writing Group," is one family name to Zotero and pandoc; without the comma pandoc
    # reads "Group, P. W.".
    return text(", ".join(parts)) + ("," if len(parts) == 1 else "")


def ris_line(tag: str, value: str) -> str:
    # A RIS value is one line: newlines inside an abstract would end the field early.
    return f"{tag}  - {' '.join(value.split())}\n"


def ris_pages(pages: str) -> list[str]:
    start, end = page_range(pages)
    lines = [ris_line("SP", start)] if start else []
    return lines + ([ris_line("EP", end)] if end else [])


def ris_fields(record: BibRecord, kind: str) -> list[str]:
    """The one-to-one fields, each under the tag Zotero reads for this RIS type; the first
    field of a tag wins (SN, the identifier, is written once)."""
    tags = {**RIS_FIELDS, "eventtitle": None, "type": None, **RIS_TYPE_TAGS.get(kind, {})}
    lines, used = [], set()
    for field, tag in tags.items():
        value = record.fields.get(field, "").strip()
        if value and tag is not None and tag not in used:
            used.add(tag)
            identifier = field in IDENTIFIER_FIELDS
            lines.append(
                ris_line(tag, value if identifier else field_text(record, field, markup=False))
            )
    return lines


def ris_dates(fields: dict[str, str]) -> list[str]:
    """DA, the full date (biblatex `date`, else year and month), and Y2, the access date."""
    lines = []
    if fields.get("date", "").strip():
        parts = dates.csl_date(fields["date"]).get("date-parts", [None])[0]
    else:
        issued = dates.csl_year_date(
            *(text(fields.get(name, "")) for name in ("year", "month", "day"))
        )
        parts = issued.get("date-parts", [None])[0]
    if parts:  # citation-js dates a CONF by DA only (PY is its event date)
        lines.append(ris_line("DA", dates.ris_date(parts)))
    if "year" not in fields and parts:
        lines.append(ris_line("PY", str(parts[0])))
    if fields.get("urldate", "").strip():
        accessed = dates.csl_date(fields["urldate"]).get("date-parts", [None])[0]
        if accessed:
            lines.append(ris_line("Y2", dates.ris_date(accessed)))
    return lines


def render_ris_entry(record: BibRecord) -> str:
    """One record as a RIS entry, from `TY` to `ER`."""
    fields = record.fields
    kind = RIS_TYPES.get(record.entry_type.lower(), RIS_DEFAULT_TYPE)
    lines = [ris_line("TY", kind)]
    lines += [ris_line("AU", ris_name(name)) for name in named(record.authors)]
    editor_tag = "ED" if kind in RIS_BOOK_TYPES else "A2"
    lines += [ris_line(editor_tag, ris_name(name)) for name in named(record.editors)]
    lines += ris_fields(record, kind)
    lines += ris_dates(fields)
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
