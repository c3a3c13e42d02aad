"""Open Library: a book by ISBN.

`GET {OPENLIBRARY_URL}/api/books?bibkeys=ISBN:<isbn>&format=json&jscmd=data` answers
`{"ISBN:<isbn>": {"title", "subtitle", "authors": [{"name"}], "publishers": [{"name"}],
"publish_date", "identifiers": {"isbn_13": [...]}, ...}}`, or `{}` for an unknown ISBN.
Author names come as one string ("John E. Hall") and are split as BibTeX splits
"First von Last".
"""

import re

from django.conf import settings

from citations.bibtex import FieldValueError, parse_name
from citations.sources import http
from citations.sources.results import Found
from citations.text.records import BibRecord, Name

SERVICE = "Open Library"


def book(isbn: str) -> Found:
    url = f"{settings.OPENLIBRARY_URL.rstrip('/')}/api/books"
    params = {"bibkeys": f"ISBN:{isbn}", "format": "json", "jscmd": "data"}
    data = http.get_json(url, service=SERVICE, params=params, what=f"ISBN {isbn}")
    if not isinstance(data, dict):
        raise http.SourceBadResponse(http.BAD_RESPONSE.format(service=SERVICE, kind="JSON"))
    item = data.get(f"ISBN:{isbn}")
    if not isinstance(item, dict):
        raise http.SourceNotFound(http.NOT_FOUND.format(service=SERVICE, what=f"ISBN {isbn}"))
    return found_from_book(item, isbn)


def _names(entries) -> list[str]:
    return [str(e.get("name", "")).strip() for e in entries or [] if isinstance(e, dict)]


def person(name: str) -> Name:
    try:
        return parse_name(name)
    except FieldValueError:
        return Name(family=name)


def found_from_book(item: dict, isbn: str) -> Found:
    year = re.search(r"\d{4}", str(item.get("publish_date", "")))
    fields = {
        "title": " ".join(str(item.get("title", "")).split()),
        "subtitle": " ".join(str(item.get("subtitle", "")).split()),
        "publisher": ", ".join(_names(item.get("publishers"))),
        "address": ", ".join(_names(item.get("publish_places"))),
        "year": year.group(0) if year else "",
        "isbn": isbn,
        "url": str(item.get("url", "")),
    }
    authors = [person(name) for name in _names(item.get("authors")) if name]
    record = BibRecord(
        entry_type="book",
        key="",
        fields={name: value for name, value in fields.items() if value},
        authors=authors,
    )
    return Found(record=record, source=SERVICE)
