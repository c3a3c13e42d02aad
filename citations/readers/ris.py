"""RIS (EndNote, Zotero, Mendeley, PubMed's RIS) -> plain records, read with `rispy`.

The file is split at its `TY  - ` lines so each entry has its line and an unreadable entry
is a problem of its own; `rispy` reads the tags of each. The mapping follows Zotero's RIS
translator (zotero/translators RIS.js) and is the inverse of our RIS export
(`citations.formats.render_ris_entry`): TY -> entry type; AU/A1 authors; A2/A3/ED editors;
TI/T1 title; T2/JF/JO/JA/J2 the journal (or the book of a chapter or paper), and JA/J2/JO
its abbreviation when another tag holds the full title; T3 series;
PY/Y1/DA year, month, day; VL, IS, SP/EP, PB, CY, ET; DO doi; SN ISBN (books) or ISSN;
UR url (more links kept as `ris-UR`); AB/N2 abstract; N1 note; KW keywords; LA language;
AN with DB "PubMed" the PMID, C2 "PMC..." the PMCID; ID the key. Tags we do not map are
kept as `ris-<tag>` fields.
"""

import re

import rispy

from citations.bibtex import ParseProblem
from citations.readers import common
from citations.text.records import DEFAULT_ENTRY_TYPE, IN_BOOK_TYPES, OTHERS, BibRecord

FORMAT = "RIS"
UNREADABLE = "The RIS entry cannot be read: {reason}"
NO_END = "The RIS entry has no end (ER  - ): read up to the next entry."
START = re.compile(r"^\s*TY  -", re.MULTILINE)
KEYS = dict(rispy.TAG_KEY_MAPPING)  # tag -> rispy's key
TAGS = {key: tag for tag, key in KEYS.items()}
# Zotero's RIS.js item types, as BibTeX entry types.
ENTRY_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "ABST": "article",
    "INPR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "EJOUR": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "CPAPER": "inproceedings",
    "CONF": "proceedings",
    "THES": "phdthesis",
    "RPRT": "techreport",
    "ELEC": "online",
    "WEB": "online",
    "BLOG": "online",
    "UNPB": "unpublished",
    "MANSCPT": "unpublished",
    "PAT": "patent",
    "DATA": "dataset",
    "COMP": "software",
    "GEN": "misc",
}
BOOK_TYPES = {"book", "proceedings", "incollection", "inproceedings"}
WHOLE_BOOK_TYPES = {"book", "proceedings"}
DIRECT = {
    "VL": "volume",
    "IS": "number",
    "PB": "publisher",
    "CY": "address",
    "ET": "edition",
    "DO": "doi",
    "LA": "language",
    "T3": "series",
    "ID": "key",
}
MAPPED = set(DIRECT) | {
    "TY", "AU", "A1", "A2", "A3", "ED", "TI", "T1", "T2", "JO", "JF", "JA", "J2", "PY", "Y1",
    "DA", "SP", "EP", "SN", "UR", "AB", "N2", "N1", "KW", "AN", "DB", "C2", "ER", "UK",
}  # fmt: skip


def _values(entry: dict, tag: str) -> list[str]:
    value = entry.get(KEYS.get(tag, tag))
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if str(v).strip()]


def _first(entry: dict, *tags: str) -> str:
    return next((values[0] for tag in tags if (values := _values(entry, tag))), "")


def _dates(entry: dict) -> dict[str, str]:
    fields = common.date_fields(_first(entry, "PY", "Y1"))
    if (more := common.date_fields(_first(entry, "DA"))) and more.get("year") == fields.get("year"):
        fields = {**more, **fields, **{k: v for k, v in more.items() if k != "year"}}
    return fields or more


def _identifiers(entry: dict, entry_type: str, fields: dict) -> None:
    for number in _values(entry, "SN"):
        digits = re.sub(r"[^0-9Xx]", "", number.split()[0])
        is_isbn = len(digits) in (10, 13) and (entry_type in BOOK_TYPES or len(digits) == 13)
        fields.setdefault("isbn" if is_isbn else "issn", number)
    accession, database = _first(entry, "AN"), _first(entry, "DB")
    if accession and (database.lower() == "pubmed" or accession.isdigit() and database == ""):
        fields["pmid"] = accession
    elif accession:
        fields["ris-AN"] = accession
    pmcid = _first(entry, "C2")
    if pmcid.upper().startswith("PMC"):
        fields["pmcid"] = pmcid
    elif pmcid:
        fields["ris-C2"] = pmcid


def record_of(entry: dict, line: int) -> BibRecord:
    """One entry as rispy reads it (tag keys) -> a record starting at `line`."""
    kind = _first(entry, "TY").upper()
    entry_type = ENTRY_TYPES.get(kind, DEFAULT_ENTRY_TYPE)
    if kind == "THES" and "master" in _first(entry, "M3").lower():
        entry_type = "mastersthesis"
    fields = {name: _first(entry, tag) for tag, name in DIRECT.items()}
    key = fields.pop("key")
    fields["title"] = _first(entry, "TI", "T1")
    tags = ("T2", "JF", "JO", "JA", "J2")
    if entry_type in WHOLE_BOOK_TYPES:  # a book's T2 is its series (Zotero's RIS.js)
        tags = tags[1:]
        fields["series"] = fields["series"] or _first(entry, "T2")
        if fields["series"] != _first(entry, "T2"):
            fields["ris-T2"] = _first(entry, "T2")
    titles = [_first(entry, tag) for tag in tags]
    container = next((title for title in titles if title), "")
    fields["booktitle" if entry_type in IN_BOOK_TYPES else "journal"] = container
    # Zotero's journalAbbreviation: JA, J2 or JO when another tag holds the full title.
    short = (_first(entry, "JA"), _first(entry, "J2"), _first(entry, "JO"))
    fields["shortjournal"] = next((t for t in short if t and t != container), "")
    fields.update(_dates(entry))
    fields["pages"] = common.page_range(_first(entry, "SP"), _first(entry, "EP"))
    urls = _values(entry, "UR")
    fields["url"] = urls[0] if urls else ""
    fields["ris-UR"] = "; ".join(urls[1:])  # more links: written back as one UR line
    fields["abstract"] = _first(entry, "AB", "N2")
    notes = [note for note in _values(entry, "N1") if note != common.ET_AL_NOTE]
    fields["note"] = "\n".join(notes)
    fields["keywords"] = ", ".join(_values(entry, "KW"))
    _identifiers(entry, entry_type, fields)
    unknown = entry.get(KEYS["UK"]) or {}
    for name, value in [*entry.items(), *unknown.items()]:
        tag = TAGS.get(name, name)
        if tag and tag not in MAPPED and value:
            fields[f"ris-{tag}"] = "; ".join(value) if isinstance(value, list) else str(value)
    authors = [common.family_first(name) for name in _values(entry, "AU") + _values(entry, "A1")]
    if common.ET_AL_NOTE in _values(entry, "N1"):
        authors.append(OTHERS)
    editor_tags = ("A3", "ED") if entry_type in {"book", "proceedings"} else ("A2", "ED", "A3")
    editors = [common.family_first(name) for tag in editor_tags for name in _values(entry, tag)]
    return BibRecord(
        entry_type=entry_type,
        key=key,
        fields=common.clean(fields),
        authors=authors,
        editors=editors,
        line=line,
    )


def read(data: str | bytes, encoding: str | None = None) -> common.ReadResult:
    """A RIS file -> records and problems, each with the line its entry starts on."""
    text = common.as_text(data, encoding)
    result = common.ReadResult()
    starts = [match.start() for match in START.finditer(text)]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        line = text.count("\n", 0, start) + 1
        chunk = text[start:end]
        if not re.search(r"^\s*ER  -", chunk, re.MULTILINE):
            result.notes.append(f"line {line}: {NO_END}")
            chunk += "\nER  - \n"
        try:
            entries = rispy.loads(chunk)
        except Exception as exc:  # rispy raises bare IOError/ValueError on malformed tags
            result.problems.append(ParseProblem(line, "", UNREADABLE.format(reason=exc)))
            continue
        result.records += [record_of(entry, line) for entry in entries]
    if not starts:
        result.problems.append(ParseProblem(1, "", common.NO_ENTRIES.format(format=FORMAT)))
    return result
