"""Duplicates: when an entry of a file is a work already stored, or already in the file.

An entry duplicates a stored reference when the two are the same work by the one sameness
rule (`citations.text.sameness`: DOI, PMID, a whole book's ISBN with a title starting like the
other, or title, year, first author and the same container, volume, issue and pages; never
the title alone). Within one file only the identifiers decide (rules 1 to 3): two keys are
two entries. Stored references are looked up a batch of entries at a time.
"""

from django.db.models.functions import MD5, Lower

from citations.batches import batched
from citations.importing.plans import BATCH, PlanItem
from citations.membership import matching
from citations.models import Reference, sameness_record
from citations.text.sameness import (
    FIELDS,
    PART_TYPES,
    book_isbn,
    same_book,
    same_details,
    title_hash,
    work_key,
)

SAME_DOI = "same DOI as {target}"
SAME_PMID = "same PMID as {target}"
SAME_ISBN = "same ISBN as {target}"
SAME_WORK = "same title, year, first author, container, volume, issue and pages as {target}"
IN_FILE = "the entry at line {line}"

# (stored reference's pk, its citekey, why): what an entry duplicates.
Found = tuple[int, str, str]


def entry_record(item: PlanItem) -> dict:
    """An entry as `citations.text.sameness` compares it: its values and its first author."""
    return item.values | {"first_author": item.authors[0].family if item.authors else ""}


class Stored:
    """The stored references a batch of entries could duplicate, fetched in a few queries."""

    def __init__(self, items: list[PlanItem]):
        values = [item.values for item in items]
        self.by_doi = self._lookup("doi", {v["doi"] for v in values if v.get("doi")})
        self.by_pmid = self._lookup("pmid", {v["pmid"] for v in values if v.get("pmid")})
        self.by_book = self._books({isbn for v in values if (isbn := book_isbn(v))})
        self.by_work = self._works(items)

    @staticmethod
    def _lookup(name: str, wanted: set[str]) -> dict[str, tuple[int, str]]:
        found = {}
        for chunk in batched(sorted(wanted), BATCH):
            rows = matching(Reference.objects, name, chunk, opaque=True)
            for value, pk, citekey in rows.values_list(name, "pk", "citekey"):
                found[value] = (pk, citekey)
        return found

    @staticmethod
    def _books(isbns: set[str]) -> dict[str, list[tuple[str, int, str]]]:
        """Stored whole books with these ISBNs: (title, pk, citekey) by ISBN.

        `isbn <> ''` lets PostgreSQL read the partial index `reference_isbn`; without it,
        each look-up scanned the table, comparing every row with every ISBN of the batch
        (250 ms at 100,000 references, 13 ms through the index)."""
        books = Reference.objects.exclude(entry_type__in=PART_TYPES).exclude(isbn="")
        found: dict[str, list] = {}
        for chunk in batched(sorted(isbns), BATCH):
            rows = matching(books, "isbn", chunk, opaque=True)
            for isbn, title, pk, citekey in rows.values_list("isbn", "title", "pk", "citekey"):
                found.setdefault(isbn, []).append((title, pk, citekey))
        return found

    @staticmethod
    def _works(items: list[PlanItem]) -> dict[tuple, list[tuple[int, str, dict]]]:
        """Stored references with an entry's title (by its hash, which is indexed), by
        work key."""
        hashes = sorted({title_hash(item.values["title"]) for item in items})
        works: dict[tuple, list] = {}
        for chunk in batched(hashes, BATCH):
            query = matching(Reference.objects, MD5(Lower("title")), chunk, opaque=True)
            query = query.with_first_author()
            for ref in query.only("citekey", *FIELDS):
                row = sameness_record(ref)
                if key := work_key(row):
                    works.setdefault(key, []).append((ref.pk, ref.citekey, row))
        return works


def stored_duplicate(item: PlanItem, stored: Stored) -> Found | None:
    """The stored reference `item` is the same work as, by the first rule that holds."""
    values = item.values
    probes = (
        (values.get("doi"), stored.by_doi, SAME_DOI),
        (values.get("pmid"), stored.by_pmid, SAME_PMID),
    )
    for key, table, reason in probes:
        if key and key in table:
            pk, citekey = table[key]
            return pk, citekey, reason.format(target=citekey)
    isbn = book_isbn(values)
    for title, pk, citekey in stored.by_book.get(isbn, ()) if isbn else ():
        if same_book(values.get("title"), title):
            return pk, citekey, SAME_ISBN.format(target=citekey)
    if not stored.by_work:  # no stored reference has a title of the batch: no work to key
        return None
    for pk, citekey, row in stored.by_work.get(work_key(entry_record(item)), ()):
        if same_details(values, row):
            return pk, citekey, SAME_WORK.format(target=citekey)
    return None


class InFile:
    """Entries seen so far in the file, for duplicates within one file."""

    def __init__(self):
        self.seen: dict[str, dict] = {"doi": {}, "pmid": {}}
        self.books: dict[str, list[PlanItem]] = {}

    def match(self, item: PlanItem) -> tuple[PlanItem, str] | None:
        """The earlier entry `item` duplicates and the reason (a template naming its
        target); else None, and `item` is remembered for the entries after it."""
        values = item.values
        # Within one file only identifiers decide: entries its author gave two keys are two
        # entries (biblatex's `related` ones share title, year and author with their target).
        probes = [("doi", values.get("doi"), SAME_DOI), ("pmid", values.get("pmid"), SAME_PMID)]
        for kind, value, reason in probes:
            other = self.seen[kind].get(value) if value else None
            if other:
                return other, reason
        isbn = book_isbn(values)
        for other in self.books.get(isbn, ()) if isbn else ():
            if same_book(values.get("title"), other.values.get("title")):
                return other, SAME_ISBN
        for kind, value, _reason in probes:
            if value:
                self.seen[kind].setdefault(value, item)
        if isbn:
            self.books.setdefault(isbn, []).append(item)
        return None


def mark_duplicates(items: list[PlanItem], in_file: InFile) -> None:
    """Mark the entries of a batch that duplicate a stored reference or an earlier entry."""
    stored = Stored(items)
    for item in items:
        if found := stored_duplicate(item, stored):
            item.mark_duplicate(*found)
        elif (match := in_file.match(item)) is not None:
            other, reason = match
            target = IN_FILE.format(line=other.line)
            item.mark_duplicate(None, other.key, reason.format(target=target))
