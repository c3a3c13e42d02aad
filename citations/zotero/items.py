"""A Zotero item -> a `BibRecord`, following Zotero's own BibTeX export (its translator
"BibTeX.js"): itemType picks the entry type, creators become ordered authors and editors,
Zotero's fields their BibTeX names. `extra` lines a tool understands ("PMID: 2215605",
"PMCID: PMC123", "DOI: ...", "Citation Key: prior1990", as Zotero and Better BibTeX write
them) become those fields; the other lines stay as `note`. The Zotero key is kept
(`zoterokey`) so a later sync finds the record again.

Pure: plain data in, plain data out.
"""

import re

from citations.text.records import BibRecord, Name

# Zotero itemType -> BibTeX/biblatex entry type (BibTeX.js; biblatex types where BibTeX has
# none: online, patent, software, dataset, report); any other type is a misc.
ENTRY_TYPES = {
    "journalArticle": "article",
    "magazineArticle": "article",
    "newspaperArticle": "article",
    "preprint": "article",
    "book": "book",
    "bookSection": "incollection",
    "encyclopediaArticle": "inreference",
    "dictionaryEntry": "inreference",
    "conferencePaper": "inproceedings",
    "thesis": "phdthesis",
    "report": "techreport",
    "manuscript": "unpublished",
    "webpage": "online",
    "blogPost": "online",
    "patent": "patent",
    "computerProgram": "software",
    "dataset": "dataset",
    "standard": "standard",
    "letter": "letter",
}
# Zotero field -> BibTeX field (the container fields by item type below).
FIELDS = {
    "title": "title",
    "volume": "volume",
    "issue": "number",
    "pages": "pages",
    "edition": "edition",
    "publisher": "publisher",
    "place": "address",
    "university": "school",
    "institution": "institution",
    "series": "series",
    "seriesTitle": "series",
    "DOI": "doi",
    "ISBN": "isbn",
    "ISSN": "issn",
    "url": "url",
    "abstractNote": "abstract",
    "language": "language",
    "shortTitle": "shorttitle",
    "accessDate": "urldate",
    "numPages": "pagetotal",
    "reportNumber": "number",
    "thesisType": "type",
    "company": "publisher",
}
CONTAINERS = {
    "publicationTitle": "journal",
    "bookTitle": "booktitle",
    "proceedingsTitle": "booktitle",
    "encyclopediaTitle": "booktitle",
    "dictionaryTitle": "booktitle",
    "websiteTitle": "journal",
    "blogTitle": "journal",
}
AUTHOR_ROLES = {"author", "inventor", "programmer", "artist", "director", "presenter"}
EDITOR_ROLES = {"editor", "seriesEditor"}
# `extra` lines Zotero (and Better BibTeX) write as "Label: value".
EXTRA_FIELDS = {"pmid": "pmid", "pmcid": "pmcid", "doi": "doi", "citation key": "citekey"}
EXTRA_LINE = re.compile(r"\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(\S.*?)\s*\Z")
YEAR = re.compile(r"\b(\d{4})\b")


def _name(creator: dict) -> Name:
    """A creator: two fields (lastName, firstName) or one (`name`, an institution)."""
    if creator.get("name"):
        return Name(family=creator["name"].strip())
    return Name(
        family=creator.get("lastName", "").strip(), given=creator.get("firstName", "").strip()
    )


def _extra(extra: str, fields: dict[str, str]) -> str:
    """Read the known "Label: value" lines of `extra` into `fields`; the rest, as is."""
    rest = []
    for line in extra.splitlines():
        match = EXTRA_LINE.match(line)
        target = EXTRA_FIELDS.get(match.group(1).lower()) if match else None
        if target and target not in fields:
            fields[target] = match.group(2)
        elif line.strip():
            rest.append(line.strip())
    return "\n".join(rest)


def zotero_record(data: dict) -> BibRecord:
    """The `data` of one Zotero item -> a record. Its key is the item's "Citation Key"
    when `extra` gives one, else "" (the importer then applies the citekey rule)."""
    item_type = data.get("itemType", "")
    fields: dict[str, str] = {}
    for name, target in (CONTAINERS | FIELDS).items():
        value = str(data.get(name) or "").strip()
        if value and target not in fields:
            fields[target] = value
    if item_type not in ENTRY_TYPES and item_type:
        fields["entrysubtype"] = item_type  # What Zotero called it, kept.
    if year := YEAR.search(str(data.get("date") or "")):
        fields["year"] = year.group(1)
    if data.get("date"):
        fields["date"] = str(data["date"]).strip()
    if note := _extra(str(data.get("extra") or ""), fields):
        fields["note"] = note
    if tags := [t["tag"] for t in data.get("tags", ()) if t.get("tag")]:
        fields["keywords"] = ", ".join(tags)
    if data.get("key"):
        fields["zoterokey"] = data["key"]
    creators = data.get("creators", ())
    return BibRecord(
        entry_type=ENTRY_TYPES.get(item_type, "misc"),
        key=fields.pop("citekey", ""),
        fields=fields,
        authors=[_name(c) for c in creators if c.get("creatorType", "author") in AUTHOR_ROLES],
        editors=[_name(c) for c in creators if c.get("creatorType") in EDITOR_ROLES],
    )
