"""Same work: the one rule that says two bibliographic records are one work.

Two records are the same work when the first of these holds (its name is the reason):
1. `doi`: they have one DOI;
2. `pmid`: they have one PMID;
3. `isbn`: both are whole books (not a chapter or another part of a book: a chapter shares
   its book's ISBN) with one ISBN, and one normalised title starts with the other (a subtitle
   added or dropped); the volumes of a set often share an ISBN under titles of their own
   ("... Teil A", "... Teil B") and stay two records;
4. `work`: the same title (case aside), year and first author (family name, case aside),
   all three known, and the same normalised container, volume, issue and pages (an empty one
   only with an empty one). Never the title alone: a journal's recurring "Editorial"
   columns and the cover pages of its issues share title, year and author and are different
   records.

"Normalised" folds case and keeps only letters and digits. The title of rule 4 is compared
as PostgreSQL's LOWER() gives it, punctuation included: the importer finds its candidates
through the index on MD5(LOWER(title)), and every caller must flag what the importer would.

A record is a dict of `Reference` field values (`FIELDS`) plus `first_author`. The callers:
the importer (`citations.importing.duplicates`: a file's entries against stored references),
the duplicates page (`citations.possible_duplicates`: stored references against each other) and the
model (`ReferenceQuerySet.same_work_as`: the admin form's warning before a save). Within one
file the importer applies rules 1 to 3 only: entries its author gave two keys are two
entries (biblatex's `related` entries share title, year and author with their target).
Pure: no ORM.
"""

import hashlib
import re

DOI, PMID, ISBN, WORK = "doi", "pmid", "isbn", "work"
DETAILS = ("container_title", "volume", "issue", "pages")
FIELDS = ("doi", "pmid", "isbn", "entry_type", "title", "year", *DETAILS)
# Parts of a book carry the book's ISBN: a shared ISBN makes two whole books one, not two chapters.
PART_TYPES = frozenset(
    {"inbook", "incollection", "inproceedings", "conference", "bookinbook", "suppbook"}
    | {"suppcollection", "inreference", "suppperiodical"}
)
NOT_WORD = re.compile(r"[\W_]+")
# How each rule reads to a curator (the admin form's warning, the duplicates page's groups).
REASONS = {
    DOI: "same DOI",
    PMID: "same PMID",
    ISBN: "same ISBN, one title starting like the other",
    WORK: "same title, year, first author, container, volume, issue and pages",
}


def normalised_text(text: str | None) -> str:
    """Case and everything but letters and digits folded away."""
    return NOT_WORD.sub("", (text or "").casefold())


def book_isbn(values: dict) -> str | None:
    """The ISBN of a whole book; None for a part of one or without an ISBN."""
    if values.get("entry_type") in PART_TYPES:
        return None
    return values.get("isbn") or None


def same_book(a_title: str | None, b_title: str | None) -> bool:
    """One normalised title starts with the other (rule 3, for two books with one ISBN)."""
    a, b = normalised_text(a_title), normalised_text(b_title)
    return a.startswith(b) or b.startswith(a)


def work_key(values: dict) -> tuple | None:
    """Title (case aside), year and first author of rule 4; None unless all three are known."""
    title, author = (values.get("title") or "").lower(), values.get("first_author") or ""
    key = (title, values.get("year"), author.casefold())
    return key if all(key) else None


def title_hash(title: str) -> str:
    """What the database index on MD5(LOWER(title)) holds for this title (rule 4's lookup)."""
    return hashlib.md5(title.lower().encode(), usedforsecurity=False).hexdigest()


def same_details(a: dict, b: dict) -> bool:
    """Container, volume, issue and pages agree once normalised (rule 4)."""
    return all(normalised_text(a.get(name)) == normalised_text(b.get(name)) for name in DETAILS)


def same_work(a: dict, b: dict) -> str | None:
    """The first rule by which records `a` and `b` are one work (DOI, PMID, ISBN, WORK), or
    None when they are two."""
    for name in (DOI, PMID):
        if a.get(name) and a.get(name) == b.get(name):
            return name
    isbn = book_isbn(a)
    if isbn and isbn == book_isbn(b) and same_book(a.get("title"), b.get("title")):
        return ISBN
    key = work_key(a)
    if key and key == work_key(b) and same_details(a, b):
        return WORK
    return None


def candidate_keys(values: dict) -> list[tuple[str, object]]:
    """The keys under which a record can meet its duplicates: any record that is the same
    work shares one of them (rule name, value) with it."""
    keys = [(name, values.get(name)) for name in (DOI, PMID) if values.get(name)]
    if isbn := book_isbn(values):
        keys.append((ISBN, isbn))
    if key := work_key(values):
        keys.append((WORK, key))
    return keys
