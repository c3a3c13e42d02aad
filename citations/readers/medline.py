"""PubMed MEDLINE (.nbib, .txt: what PubMed's "Send to: Citation manager" saves) -> plain
records, following Zotero's translator (zotero/translators "PubMed MEDLINE.js").

A record is a run of `TAG - value` lines (the tag padded to four characters, continuation
lines indented by six spaces), records apart by blank lines, each starting with `PMID- `.
Mapped: PMID, PMC (PMCID), AID/LID "... [doi]" (DOI), TI/BTI title, AB abstract (MeSH
headings are not kept: they are the indexers', not the work's), FAU (else AU) authors, FED
(else ED) editors, CN corporate author, JT journal (TA its abbreviation), DP date, VI, IP,
PG (the abbreviated "2383-90" written whole), IS ISSN, ISBN, PB, PL place, LA, OT keywords,
PT publication types (kept as `pubtype`; "Retracted Publication" sets the record's
retraction state, as the PubMed look-up does: `citations.sources.ncbi.RETRACTED_TYPE`).
"""

import re

from citations.bibtex import ParseProblem
from citations.readers.common import (
    NO_ENTRIES,
    ReadResult,
    as_text,
    clean,
    date_fields,
    family_first,
    page_range,
)
from citations.text.records import BibRecord, Name

FORMAT = "MEDLINE"
RETRACTED_TYPE = "Retracted Publication"  # as citations.sources.ncbi (that layer reads HTTP)
RETRACTED = "retracted"  # citations.models.Retraction.RETRACTED
NO_TITLE_OR_PMID = "The MEDLINE record has neither a PMID nor a title."
TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")
ID_KIND = re.compile(r"^(.*?)\s*\[(\w+)\]\s*$")
LANGUAGES = {"eng": "english", "fre": "french", "ger": "german", "spa": "spanish"}
DIRECT = {
    "VI": "volume",
    "IP": "number",
    "PB": "publisher",
    "PL": "address",
    "TA": "shortjournal",
    "JT": "journal",
    "ISBN": "isbn",
    "EN": "edition",
}


def records_of(text: str) -> list[tuple[int, dict[str, list[str]]]]:
    """The text -> (line, {tag: values}) per record; continuation lines join their value."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    last = ""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            current = None
            continue
        match = TAG_LINE.match(line)
        if match and not line.startswith(" "):
            tag, value = match.groups()
            if current is None or (tag == "PMID" and "PMID" in current):
                current = {}
                records.append((number, current))
            current.setdefault(tag, []).append(value.strip())
            last = tag
        elif current is not None and last:
            current[last][-1] = f"{current[last][-1]} {line.strip()}"
    return records


def _first(tags: dict[str, list[str]], *names: str) -> str:
    return next((tags[name][0] for name in names if tags.get(name)), "")


def _ids(tags: dict[str, list[str]]) -> dict[str, str]:
    """DOI from AID/LID "10.x/y [doi]", PMCID from PMC (or AID "[pmc]")."""
    ids = {}
    for value in tags.get("AID", []) + tags.get("LID", []):
        if match := ID_KIND.match(value):
            kind = {"doi": "doi", "pmc": "pmcid"}.get(match.group(2).lower())
            if kind:
                ids.setdefault(kind, match.group(1).strip())
    if pmc := _first(tags, "PMC"):
        ids["pmcid"] = pmc
    return ids


def _names(tags: dict[str, list[str]], full: str, short: str) -> list[Name]:
    return [family_first(value) for value in tags.get(full) or tags.get(short, [])]


def record_of(tags: dict[str, list[str]], line: int) -> BibRecord:
    types = tags.get("PT", [])
    book = _first(tags, "BTI")
    if book and _first(tags, "TI"):
        entry_type = "incollection"
    elif book or "Book" in types:
        entry_type = "book"
    else:
        entry_type = "article"
    fields = {name: _first(tags, tag) for tag, name in DIRECT.items()}
    fields["pmid"] = _first(tags, "PMID")
    fields["title"] = (_first(tags, "TI") or book).rstrip(".")  # as the PubMed look-up
    if entry_type == "incollection":
        fields["booktitle"] = book
    fields["abstract"] = _first(tags, "AB")
    fields["pages"] = page_range(_first(tags, "PG"))
    fields.update(date_fields(_first(tags, "DP", "DEP")))
    issns = [re.sub(r"\s*\(.*\)$", "", value) for value in tags.get("IS", [])]
    fields["issn"] = issns[0] if issns else ""
    language = _first(tags, "LA")
    fields["language"] = LANGUAGES.get(language, language)
    fields["keywords"] = ", ".join(tags.get("OT", []))
    fields["pubtype"] = "; ".join(types)
    fields.update(_ids(tags))
    authors = _names(tags, "FAU", "AU") + [Name(family=v) for v in tags.get("CN", [])]
    return BibRecord(
        entry_type=entry_type,
        key="",
        fields=clean(fields),
        authors=authors,
        editors=_names(tags, "FED", "ED"),
        line=line,
        retraction=RETRACTED if RETRACTED_TYPE in types else "",
    )


def read(data: str | bytes, encoding: str | None = None) -> ReadResult:
    """A MEDLINE/.nbib file -> records and problems, each with its record's first line."""
    result = ReadResult()
    for line, tags in records_of(as_text(data, encoding)):
        if not (_first(tags, "PMID") or _first(tags, "TI", "BTI")):
            result.problems.append(ParseProblem(line, "", NO_TITLE_OR_PMID))
            continue
        result.records.append(record_of(tags, line))
    if not result.records and not result.problems:
        result.problems.append(ParseProblem(1, "", NO_ENTRIES.format(format=FORMAT)))
    return result
