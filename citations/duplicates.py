"""Possible duplicates to review: references sharing a PMID or an ISBN, or the same
normalised title and year; people with the same family name once accents, case and
punctuation are folded, and the same first initial ("Seifert-Klauss, Vanadin R." and
"Seifert-Klauß, Vanadin"). Reads only; each group lists the records, oldest first."""

from collections import defaultdict

from citations.citekeys import ascii_fold
from citations.models import Person, Reference, normalised_text

SAME_PMID = "same PMID {value}"
SAME_ISBN = "same ISBN {value}"
SAME_TITLE_YEAR = "same title and year ({value})"
SIMILAR_NAME = "similar names"


def _groups(keyed: dict) -> list[tuple[str, list]]:
    return [(why, rows) for (why, _key), rows in keyed.items() if len(rows) > 1]


def reference_duplicate_groups() -> list[tuple[str, list[Reference]]]:
    keyed = defaultdict(list)
    rows = Reference.objects.only("citekey", "title", "year", "pmid", "isbn").order_by("pk")
    for ref in rows:
        if ref.pmid:
            keyed[(SAME_PMID.format(value=ref.pmid), ref.pmid)].append(ref)
        if ref.isbn:
            keyed[(SAME_ISBN.format(value=ref.isbn), ref.isbn)].append(ref)
        if ref.year and ref.title:
            title = normalised_text(ref.title)
            keyed[(SAME_TITLE_YEAR.format(value=ref.year), (title, ref.year))].append(ref)
    return _groups(keyed)


def person_key(person: Person) -> tuple[str, str]:
    family = ascii_fold(f"{person.prefix}{person.family}")
    return family, ascii_fold(person.given)[:1]


def person_duplicate_groups() -> list[tuple[str, list[Person]]]:
    keyed = defaultdict(list)
    for person in Person.objects.order_by("pk"):
        keyed[(SIMILAR_NAME, person_key(person))].append(person)
    return _groups(keyed)
