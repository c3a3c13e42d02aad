"""Citation styles: a `BibRecord` as one line of reference-list text.

`vancouver(record)` follows the NLM/Vancouver pattern used by medical journals:
authors as "Family Initials" (the first six, then "et al."), title, journal, then
"year;volume(issue):pages" with the last page shortened ("2383-90"). Books give
"edition ed. publisher; year"; chapters give "In: editors, editors. Book. ... p. pages".
The result is plain text: DOI and PubMed links are added by the page templates.
"""

import re

from citations.text.records import BibRecord, Name

MAX_AUTHORS = 6
BOOK_TYPES = {"book", "mvbook", "collection", "proceedings", "manual", "report", "thesis"}
CHAPTER_TYPES = {"incollection", "inbook", "inproceedings", "conference", "bookinbook"}
ORDINALS = {"1": "1st", "2": "2nd", "3": "3rd"}


def initials(given: str) -> str:
    """'David J.' -> 'DJ'; 'Jean-Pierre' -> 'JP'."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)


def vancouver_name(name: Name) -> str:
    family = f"{name.prefix} {name.family}".strip()
    parts = [family, initials(name.given), name.suffix.rstrip(".")]
    return " ".join(part for part in parts if part)


def name_list(names: list[Name]) -> str:
    """Up to six names, then "et al" (also for BibTeX's "and others")."""
    people = [name for name in names if not name.is_others]
    shown = [vancouver_name(name) for name in people[:MAX_AUTHORS]]
    if len(people) > MAX_AUTHORS or len(people) < len(names):
        shown.append("et al")
    return ", ".join(shown)


def short_pages(pages: str) -> str:
    """'2383--2390' -> '2383-90': the last page keeps only the digits that change."""
    first, sep, last = re.sub(r"\s*-+\s*", "-", pages.strip()).partition("-")
    if not sep or not (first.isdigit() and last.isdigit()) or len(first) != len(last):
        return first + sep + last
    common = 0
    while common < len(last) - 1 and first[common] == last[common]:
        common += 1
    return f"{first}-{last[common:]}"


def sentence(text: str) -> str:
    """End a part with a full stop unless it already ends with punctuation."""
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def edition_text(edition: str) -> str:
    if edition.isdigit():
        return f"{ORDINALS.get(edition, edition + 'th')} ed."
    return sentence(edition)


def publication(record: BibRecord) -> str:
    """The part after the title: where and when it appeared."""
    fields = record.fields
    year = fields.get("year", "")
    if record.entry_type == "article":
        issue = f"({fields['number']})" if fields.get("number") else ""
        locator = fields.get("volume", "") + issue
        pages = short_pages(fields["pages"]) if fields.get("pages") else ""
        tail = year + (f";{locator}" if locator else "") + (f":{pages}" if pages else "")
        return " ".join(
            part for part in (sentence(fields.get("journal", "")), sentence(tail)) if part
        )
    publisher = fields.get("publisher", "")
    place = "; ".join(part for part in (publisher, year) if part)
    return sentence(place)


def container(record: BibRecord) -> str:
    fields = record.fields
    parts = []
    if record.entry_type in CHAPTER_TYPES:
        editors = f"{name_list(record.editors)}, editors. " if record.editors else ""
        parts.append("In: " + editors + sentence(fields.get("booktitle", "")))
    if fields.get("edition"):
        parts.append(edition_text(fields["edition"]))
    standalone = CHAPTER_TYPES | BOOK_TYPES | {"article"}
    if record.entry_type not in standalone and fields.get("journal"):
        parts.append(sentence(fields["journal"]))
    return " ".join(parts)


def vancouver(record: BibRecord) -> str:
    """One entry: 'Rickard DJ, Iwaniec UT. Bone growth. Endocrinology. 2008;149(5):2383-90.'"""
    fields = record.fields
    creators = record.authors or (record.editors if record.entry_type in BOOK_TYPES else [])
    head = name_list(creators)
    if creators and not record.authors:
        head += ", editors"
    parts = [sentence(head), sentence(fields.get("title", "")), container(record)]
    parts.append(publication(record))
    if record.entry_type in CHAPTER_TYPES and fields.get("pages"):
        parts.append(f"p. {short_pages(fields['pages'])}.")
    if fields.get("url") and not (fields.get("doi") or fields.get("pmid")):
        parts.append(f"Available from: {fields['url']}")
    return " ".join(part for part in parts if part)
