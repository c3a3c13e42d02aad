"""CSL-JSON (Zotero, Pandoc, citeproc-js, doi.org's `application/vnd.citationstyles.csl+json`)
-> plain records: the inverse of our CSL export (`citations.formats.csl_item`), following
Zotero's CSL mapping (zotero/zotero `utilities_item.js` itemFromCSLJSON).

A file is an array of items, or one item. `id`/`citation-key` is the key; `type` the entry
type; `author`/`editor` names ({family, given, non-dropping-particle, dropping-particle,
suffix} or {literal}; {literal: "others"} is et al.); `issued` {date-parts} or {raw} or
{literal} (or the legacy {year, month, day}); `page` "12-19" -> "12--19". Variables we do
not map are kept as `csl-<name>` fields, as written (text, or JSON for structured ones); a
mapped variable our export would write otherwise (title case, markup, a date range, a type
without an entry type of its own) is kept as written too (`citations.formats.CSL_KEPT`), so
CSL-JSON comes back as it came while unedited. Problems name the item's number (from 1).
"""

import json
import re

from citations.bibtex import ParseProblem
from citations.formats import CSL_KEPT, ET_AL_NOTE, csl_item
from citations.readers.common import (
    MAX_DEPTH,
    NO_ENTRIES,
    TOO_DEEP,
    ReadResult,
    as_text,
    clean,
    date_fields,
    page_range,
)
from citations.text import records
from citations.text.records import OTHERS, BibRecord, Name
from citations.text.rich import from_csl

FORMAT = "CSL-JSON"
NOT_JSON = "The file is not JSON: {reason}"
NOT_ITEMS = "CSL-JSON is an array of items (objects), or one item."
NOT_AN_ITEM = "Item {index} is not an object: skipped."
BAD_NAME = "A name in {role!r} is not an object with a family name or a literal."
ENTRY_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "article": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "chapter": "incollection",
    "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference",
    "entry": "inreference",
    "paper-conference": "inproceedings",
    "thesis": "thesis",
    "report": "report",
    "webpage": "online",
    "post-weblog": "online",
    "post": "online",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "dataset": "dataset",
    "software": "software",
    "patent": "patent",
    "document": "misc",
}
# CSL also has entries in reference works (biblatex @inreference).
IN_BOOK_TYPES = records.IN_BOOK_TYPES | {"inreference"}
DIRECT = {
    "title": "title",
    "collection-title": "series",
    "publisher": "publisher",
    "publisher-place": "address",
    "volume": "volume",
    "issue": "number",
    "number": "number",
    "edition": "edition",
    "DOI": "doi",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "ISBN": "isbn",
    "ISSN": "issn",
    "URL": "url",
    "note": "note",
    "abstract": "abstract",
    "language": "language",
    "keyword": "keywords",
    "container-title-short": "shortjournal",
    "title-short": "shorttitle",
}
MAPPED = set(DIRECT) | {
    "id", "citation-key", "type", "container-title", "page", "issued", "author", "editor",
}  # fmt: skip


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest, counted without recursion (strings skipped)."""
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", re.sub(r'"(?:[^"\\]|\\.)*"', "", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def csl_name(value) -> Name | None:
    if not isinstance(value, dict):
        return None
    if "literal" in value and not value.get("family"):
        literal = str(value["literal"]).strip()
        return OTHERS if literal.lower() == "others" else (Name(literal) if literal else None)
    family = str(value.get("family") or "").strip()
    if not family:
        return None
    particles = [value.get("dropping-particle"), value.get("non-dropping-particle")]
    return Name(
        family=family,
        given=str(value.get("given") or "").strip(),
        prefix=" ".join(str(p).strip() for p in particles if p),
        suffix=str(value.get("suffix") or "").strip(),
    )


def issued(value) -> dict[str, str]:
    if not isinstance(value, dict):
        return date_fields(str(value)) if value else {}
    parts = value.get("date-parts")
    if not parts and value.get("year"):  # the legacy form citeproc-js still reads
        parts = [[value.get(name) for name in ("year", "month", "day") if value.get(name)]]
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        names = ("year", "month", "day")
        return {name: str(int(p)) for name, p in zip(names, parts[0], strict=False) if _int(p)}
    raw = value.get("raw") or value.get("literal") or ""
    return date_fields(str(raw)) or ({"year": str(raw)} if raw else {})


def _int(value) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else ""


def record_of(item: dict, index: int) -> BibRecord:
    """One CSL item (the `index`th of the file, from 1) -> a record; a ValueError (its
    message for the report) when a name cannot be read: never a record without it."""
    key = _text(item.get("citation-key") or item.get("id") or "")
    entry_type = ENTRY_TYPES.get(_text(item.get("type")), "misc")
    if entry_type == "thesis" and "master" in _text(item.get("genre")).lower():
        entry_type = "mastersthesis"
    fields: dict[str, str] = {}
    kept: dict[str, str] = {}  # variables we do not map: as written (no spaces squeezed)
    sources: dict[str, str] = {}
    for variable, name in DIRECT.items():
        if item.get(variable) not in (None, "") and name not in fields:
            fields[name], source = from_csl(_text(item[variable]))
            if source is not None:
                sources[name] = source
        elif item.get(variable) not in (None, ""):  # issue and number both: keep the second
            kept[f"csl-{variable}"] = _text(item[variable]).strip()
    container = "booktitle" if entry_type in IN_BOOK_TYPES else "journal"
    fields[container], source = from_csl(_text(item.get("container-title")))
    if source is not None:
        sources[container] = source
    et_al = ET_AL_NOTE in fields.get("note", "")
    if et_al:  # our export's word for BibTeX's "and others" (citations.formats)
        fields["note"] = fields["note"].replace(ET_AL_NOTE, "").strip()
    fields["pages"] = page_range(_text(item.get("page")))
    fields.update(issued(item.get("issued")))
    for variable, value in item.items():
        if variable not in MAPPED and variable not in DIRECT and value not in (None, ""):
            structured = isinstance(value, dict | list)
            kept[f"csl-{variable}"] = json.dumps(value) if structured else _text(value).strip()
    names = {}
    for role in ("author", "editor"):
        given = item.get(role) or []
        found = [csl_name(v) for v in given] if isinstance(given, list) else [None]
        if None in found:
            raise ValueError(BAD_NAME.format(role=role))
        names[role] = found
    if et_al:
        names["author"].append(OTHERS)
    record = BibRecord(
        entry_type=entry_type,
        key=key,
        fields=clean(fields) | {name: value for name, value in kept.items() if value},
        sources=sources,
        authors=names["author"],
        editors=names["editor"],
        line=index,
    )
    record.sources.update(kept_as_written(item, record, container))
    return record


DATE_FIELDS = ("year", "month", "day")


def read_as(variable: str, record: BibRecord, container: str) -> dict[str, str] | None:
    """The fields a mapped CSL variable was read into (None: it is not one we map)."""
    if variable == "type":
        return {"@type": record.entry_type}
    if variable in DIRECT:
        names = [DIRECT[variable]]
    else:
        other = {"container-title": [container], "page": ["pages"], "issued": DATE_FIELDS}
        names = other.get(variable, [])
    return {name: record.fields.get(name, "") for name in names} or None


def kept_as_written(item: dict, record: BibRecord, container: str) -> dict[str, str]:
    """`CSL_KEPT` sources for the mapped variables our export would write otherwise than the
    file did (case, markup, spacing, a date range, a type we have no entry type for)."""
    exported = csl_item(record)
    kept = {}
    for variable, value in item.items():
        if value in (None, "", [], {}) or _same(value, exported.get(variable)):
            continue
        fields = read_as(variable, record, container)
        if fields is not None and f"csl-{variable}" not in record.fields:
            kept[CSL_KEPT + variable] = json.dumps([value, fields], ensure_ascii=False)
    return kept


def _same(value, again) -> bool:
    if isinstance(value, dict | list):
        return value == again
    return _text(value) == _text(again)


def read(data: str | bytes, encoding: str | None = None, max_depth: int = MAX_DEPTH) -> ReadResult:
    """A CSL-JSON file -> records; problems and lines name the item's number (from 1)."""
    text = as_text(data, encoding)
    result = ReadResult()
    if json_depth(text) > max_depth:
        result.problems.append(ParseProblem(1, "", TOO_DEEP.format(kind="JSON", limit=max_depth)))
        return result
    try:
        items = json.loads(text)
    except ValueError as exc:
        result.problems.append(ParseProblem(1, "", NOT_JSON.format(reason=exc)))
        return result
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        result.problems.append(ParseProblem(1, "", NOT_ITEMS))
        return result
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            result.problems.append(ParseProblem(index, "", NOT_AN_ITEM.format(index=index)))
            continue
        try:
            result.records.append(record_of(item, index))
        except ValueError as exc:
            key = _text(item.get("citation-key") or item.get("id") or "")
            result.problems.append(ParseProblem(index, key, str(exc)))
    if not items:
        result.problems.append(ParseProblem(1, "", NO_ENTRIES.format(format=FORMAT)))
    return result
