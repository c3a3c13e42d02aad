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

from citations.text import dates, latex, protection, rich
from citations.text.protection import PROTECTED_WORDS
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
# Fields the readers keep for variables and tags they do not map (`citations.readers`):
# "csl-<variable>" and "ris-<tag>" go back out as what they were.
CSL_EXTRA_PREFIX, RIS_EXTRA_PREFIX = "csl-", "ris-"
# `BibRecord.sources[CSL_KEPT + variable]`: a CSL variable as a CSL-JSON file wrote it, where
# our export of what it was read as would differ (a title in title case, a magazine article,
# a date range, a season), with the fields it was read as: JSON `[value, {field: text}]`
# ("@type" is the entry type). The export writes it back while those fields are unchanged.
CSL_KEPT = "@csl:"
# Reports and patents have a number, journals an issue.
NUMBERED_TYPES = {"techreport", "report", "manual", "patent"}
IDENTIFIER_FIELDS = {"doi", "pmid", "pmcid", "isbn", "issn", "url"}

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


def csl_pages(pages: str) -> tuple[str, str]:
    """First and last page as CSL reads them: a range of one page is that page ("172--172"
    -> 172, which styles would print "172–2" or "172–"), and "??", the mark of a page not
    known, is no page ("161--??" -> 161; "??--??" -> none)."""
    first, last = page_range(pages) if pages.strip() else ("", "")
    first, last = ("" if UNKNOWN.match(part) else part for part in (first, last))
    if not first or last == first:
        return first, ""
    return first, last


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
