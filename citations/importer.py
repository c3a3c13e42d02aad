"""Import as plan, then apply.

`plan(entries)` decides, for every entry of a parsed file (records and parse problems, maybe
a generator), what importing it would do, without writing: **new** (with the citekey it
will get), **duplicate** (of which stored reference, and why) or **invalid** (what is wrong,
at which line). Two entries are the same work when they share a DOI, a PMID or (for whole
books) an ISBN, or the same normalised title, year and first author and the same container,
volume, issue and pages; never on the title alone (a journal's recurring "Editorial" columns,
the cover pages of its issues, are different records). Within one file only a shared DOI,
PMID or book ISBN makes a duplicate: two keys are two entries. Unusual identifiers are kept
verbatim with a warning.

`apply(plan, ...)` writes a plan in one transaction: people with `bulk_create`, references
and contributors with PostgreSQL's COPY (the bulk write that meets the import benchmark;
rows are generated as they are sent, so memory stays flat). Nothing is written when any entry
is invalid (unless `skip_invalid`), or when a duplicate is found with `on_duplicate="fail"`.
Each new reference gets its django-simple-history row ("Imported from BibTeX").

Imports are serialised (`serialised()`: a PostgreSQL advisory lock held to the end of the
write transaction), and the services plan inside it, so two imports of overlapping files
see each other's references as duplicates. A write that still meets a concurrent change (a
unique DOI, citekey or name taken meanwhile by another writer) is refused as a conflict.
"""

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import BooleanField, F, Func, TextField, Value
from django.db.models.functions import MD5, Lower
from django.utils import timezone

from citations import citekeys
from citations.bibtex import ParseProblem
from citations.identifiers import NORMALIZERS, InvalidIdentifier
from citations.models import (
    BOOKTITLE_TYPES,
    PART_TYPES,
    UNKNOWN_ENTRY_TYPE,
    URL_UNSAFE_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    Contributor,
    EntryType,
    Person,
    Reference,
    Role,
)
from citations.records import BibRecord, Name

NEW, DUPLICATE, INVALID = "new", "duplicate", "invalid"
STATUSES = (NEW, DUPLICATE, INVALID)
SKIP, UPDATE, FAIL = "skip", "update", "fail"
ON_DUPLICATE_CHOICES = (SKIP, UPDATE, FAIL)
BATCH = 1000

NO_TITLE = "The entry has no title."
TOO_LONG = "Field {name!r} is longer than {limit} characters."
NAME_TOO_LONG = "The name {name!r} is too long to store."
EMPTY_NAME = "A name in {field!r} has no family name."
KEPT_IDENTIFIER = "Field {name!r}: {error} Kept as written."
YEAR_AS_TEXT = "The year {year!r} is not a number between {low} and {high}: kept as text."
URL_AS_TEXT = "The url {url!r} is not a web address: kept as text."
SAME_DOI = "same DOI as {target}"
SAME_PMID = "same PMID as {target}"
SAME_ISBN = "same ISBN as {target}"
SAME_WORK = "same title, year, first author, container, volume, issue and pages as {target}"
IN_FILE = "the entry at line {line}"
REFUSED_INVALID = "Nothing was imported: {count} entr{ies} invalid. Fix them or skip invalid ones."
HISTORY_REASON = "Imported from BibTeX"
WRITE_FAILED = "Nothing was imported: the database refused the data ({error})."
REFUSED_DUPLICATE = "Nothing was imported: {count} duplicate(s) found and duplicates must fail."
CONFLICT = "Nothing was imported: another import changed these entries at the same time; retry."
# The key of the advisory lock that serialises imports ("bib" in ASCII).
IMPORT_LOCK = 0x626962
# How the command and the API report one entry of a plan.
INVALID_LINE = "  line {line} [{key}]: {message}"
DUPLICATE_LINE = "  line {line} [{key}]: duplicate of {target} ({reason})"
WARNING_LINE = "  line {line} [{key}]: warning: {message}"
KEY_CHANGED_LINE = "  line {line} [{key}]: imported as {citekey} (the key is taken or not usable)"

# Record field -> model field; the first one present wins, the others stay extra fields.
CONTAINER_FIELDS = {"journal": "container_title", "journaltitle": "container_title"}
BOOK_CONTAINER_FIELDS = {"booktitle": "container_title"}
DIRECT_FIELDS = {
    "title": "title",
    "publisher": "publisher",
    "volume": "volume",
    "number": "issue",
    "issue": "issue",
    "pages": "pages",
    "edition": "edition",
    "url": "url",
    "abstract": "abstract",
}
IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid", "isbn")
# BibLaTeX entries that group or hold data for others, and have no title of their own.
UNTITLED_TYPES = {"set", "xdata"}
ENTRY_TYPES = frozenset(EntryType.values)
URL_VALIDATOR = URLValidator(schemes=["http", "https", "ftp", "ftps"])
# The usual shape of a URL, a strict subset of what the validator accepts: checked first,
# because the validator costs tens of microseconds per call.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PLAIN_URL = re.compile(
    rf"https?://(?:{_LABEL}\.)+[A-Za-z]{{2,63}}(?::[0-9]{{1,5}})?(?:[/?#]\S*)?\Z"
)
NOT_WORD = re.compile(r"[\W_]+")
YEAR_OF_DATE = re.compile(r"(\d{4})")


def is_web_address(value: str) -> bool:
    """What the model accepts as a URL (its validator: pure, no database)."""
    if URL_UNSAFE_CHARS.search(value):
        return False
    if len(value) <= 2048 and PLAIN_URL.match(value):
        return True
    try:
        URL_VALIDATOR(value)
    except ValidationError:
        return False
    return True


def _max_lengths(model) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.concrete_fields if f.max_length}


REFERENCE_LIMITS = _max_lengths(Reference)
PERSON_LIMITS = {k: v for k, v in _max_lengths(Person).items() if k != "orcid"}


@dataclass(slots=True)
class PlanItem:
    """What importing one entry would do (slots: a plan may hold 100,000 of them)."""

    line: int
    key: str
    status: str
    messages: tuple[str, ...] = ()
    citekey: str = ""
    values: dict | None = None
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    duplicate_of: int | None = None
    duplicate_citekey: str = ""
    reason: str = ""


@dataclass
class ImportPlan:
    items: list[PlanItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def with_status(self, status: str) -> list[PlanItem]:
        return [item for item in self.items if item.status == status]

    def updates(self, on_duplicate: str) -> list[PlanItem]:
        """The duplicates of a stored reference, which `on_duplicate=update` writes over it
        (a duplicate within the file has no stored reference to update)."""
        if on_duplicate != UPDATE:
            return []
        return [item for item in self.with_status(DUPLICATE) if item.duplicate_of]

    @property
    def counts(self) -> dict[str, int]:
        counts = {NEW: 0, DUPLICATE: 0, INVALID: 0}
        for item in self.items:
            counts[item.status] += 1
        return counts


@dataclass
class ApplyResult:
    written: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    refused: str = ""
    conflict: bool = False  # Refused because a concurrent write changed the same entries.


# --- records -> model values (pure) -----------------------------------------------------


def _take(fields: dict[str, str], mapping: dict[str, str], values: dict, taken: set) -> None:
    """Copy mapped fields into model values; a second field for one target stays extra."""
    for name, target in mapping.items():
        if name in fields and target not in values:
            values[target] = fields[name]
            taken.add(name)


def _year(fields: dict[str, str], values: dict, taken: set, messages: list[str]) -> None:
    """`year`, else the year of a BibLaTeX `date`; a year that is no number stays text."""
    raw = fields.get("year")
    if raw is None:
        date = YEAR_OF_DATE.match(fields.get("date", ""))
        if date is None or not YEAR_MIN <= int(date.group(1)) <= YEAR_MAX:
            return  # The date stays as it is; the year column stays empty.
        values["year"] = int(date.group(1))
    elif raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX:
        taken.add("year")
        values["year"] = int(raw)
    else:
        messages.append(YEAR_AS_TEXT.format(year=raw, low=YEAR_MIN, high=YEAR_MAX))


def _identifiers(fields: dict[str, str], values: dict, taken: set, warnings: list[str]) -> None:
    """Identifiers we can read go to their columns; any other (a wrong ISBN check digit,
    several ISBNs in one field) is kept verbatim as an extra field, with a warning: an
    unusual identifier is never a reason to refuse an entry."""
    for name in IDENTIFIER_FIELDS:
        if name in fields:
            try:
                values[name] = NORMALIZERS[name](fields[name])
            except InvalidIdentifier as exc:
                warnings.append(KEPT_IDENTIFIER.format(name=name, error=exc))
            else:
                taken.add(name)


def book_isbn(values: dict) -> str | None:
    """The ISBN of a whole book (a chapter shares its book's ISBN: no duplicate by it)."""
    return values.get("isbn") if values.get("entry_type") not in PART_TYPES else None


def same_book(a_title: str, b_title: str) -> bool:
    """Two books with one ISBN are one book when one normalised title starts with the other
    (a subtitle added or dropped); the volumes of a set often share an ISBN under titles of
    their own ("... Teil A", "... Teil B"), and stay two records."""
    a, b = normalised_title(a_title or ""), normalised_title(b_title or "")
    return a.startswith(b) or b.startswith(a)


def _check_lengths(values: dict, errors: list[str]) -> None:
    for name, value in values.items():
        limit = REFERENCE_LIMITS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            errors.append(TOO_LONG.format(name=name, limit=limit))


@functools.lru_cache(maxsize=100_000)
def _name_problem(name: Name, role: str) -> str:
    """Why a name cannot be stored, or "" (cached: names repeat across a file)."""
    if not name.family:
        return EMPTY_NAME.format(field=role)
    if any(len(getattr(name, part)) > limit for part, limit in PERSON_LIMITS.items()):
        return NAME_TOO_LONG.format(name=name.family)
    return ""


def _check_names(record: BibRecord, errors: list[str]) -> None:
    for role, names in (("author", record.authors), ("editor", record.editors)):
        errors += [problem for name in names if (problem := _name_problem(name, role))]


def record_values(record: BibRecord) -> tuple[dict, list[str], list[str]]:
    """A record -> (Reference field values, errors, warnings). Pure: no database."""
    fields = record.fields
    values: dict = {"entry_type": record.entry_type}
    errors: list[str] = []
    warnings: list[str] = []
    taken: set[str] = set()
    container = BOOK_CONTAINER_FIELDS if record.entry_type in BOOKTITLE_TYPES else {}
    _take(fields, {**container, **CONTAINER_FIELDS}, values, taken)
    _take(fields, DIRECT_FIELDS, values, taken)
    if "url" in values and not is_web_address(values["url"]):
        taken.discard("url")
        warnings.append(URL_AS_TEXT.format(url=values.pop("url")[:80]))
    _year(fields, values, taken, warnings)
    _identifiers(fields, values, taken, warnings)
    if record.entry_type not in ENTRY_TYPES:
        errors.append(UNKNOWN_ENTRY_TYPE.format(entry_type=record.entry_type))
    if not values.get("title") and record.entry_type not in UNTITLED_TYPES:
        warnings.append(NO_TITLE)  # BibTeX allows it (xampl.bib's misc-minimal): kept.
    values.setdefault("title", "")
    _check_lengths(values, errors)
    _check_names(record, errors)
    values["extra_fields"] = {name: value for name, value in fields.items() if name not in taken}
    values["latex_source"] = record.sources
    return values, errors, warnings


# --- duplicates -------------------------------------------------------------------------


def normalised_title(title: str) -> str:
    return NOT_WORD.sub("", title.casefold())


def title_hash(title: str) -> str:
    """What the database index on MD5(LOWER(title)) holds for this title."""
    return hashlib.md5(title.lower().encode(), usedforsecurity=False).hexdigest()


def _first_family(names: tuple[Name, ...]) -> str:
    return names[0].family.casefold() if names else ""


def work_key(values: dict, authors: tuple[Name, ...]) -> tuple | None:
    """Title, year and first author; None unless all three are known (never title alone)."""
    key = (normalised_title(values.get("title", "")), values.get("year"), _first_family(authors))
    return key if all(key) else None


DETAILS = ("container_title", "volume", "issue", "pages")


def same_details(a: dict, b: dict) -> bool:
    """Container, volume, issue and pages agree (an empty one only with an empty one): the
    cover pages of two issues share title, year and author, and are still two records."""
    return all(
        normalised_title(a.get(name) or "") == normalised_title(b.get(name) or "")
        for name in DETAILS
    )


class AnyOf(Func):
    """`expression = ANY(array)`: one array parameter, not one parameter per value (an IN
    list of thousands of placeholders costs more to build and send than the lookup)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, expression, values: list, base_field=None):
        array = ArrayField(base_field or TextField())
        super().__init__(expression, Value(list(values), output_field=array))


def matching(queryset, expression, values: list, base_field=None):
    """Rows whose `expression` is one of `values`: `= ANY(array)` on PostgreSQL, `IN` on
    other databases (SQLite, the embedded database for trying the app)."""
    if connection.vendor == "postgresql":
        return queryset.filter(AnyOf(expression, values, base_field))
    expression = F(expression) if isinstance(expression, str) else expression
    return queryset.alias(probe=expression).filter(probe__in=list(values))


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Stored:
    """The stored references an import could duplicate, fetched in a few queries."""

    def __init__(self, items: list[PlanItem]):
        values = [item.values for item in items]
        self.by_doi = self._lookup("doi", {v["doi"] for v in values if v.get("doi")})
        self.by_pmid = self._lookup("pmid", {v["pmid"] for v in values if v.get("pmid")})
        self.by_book = self._books({isbn for v in values if (isbn := book_isbn(v))})
        self.by_work = self._works(items)

    @staticmethod
    def _lookup(name: str, wanted: set[str]) -> dict[str, tuple[int, str]]:
        found = {}
        for chunk in _chunks(sorted(wanted)):
            rows = matching(Reference.objects, name, chunk)
            for value, pk, citekey in rows.values_list(name, "pk", "citekey"):
                found[value] = (pk, citekey)
        return found

    @staticmethod
    def _books(isbns: set[str]) -> dict[str, list[tuple[str, int, str]]]:
        """Stored whole books with these ISBNs: (title, pk, citekey) by ISBN."""
        books = Reference.objects.exclude(entry_type__in=PART_TYPES)
        found: dict[str, list] = {}
        for chunk in _chunks(sorted(isbns)):
            rows = matching(books, "isbn", chunk)
            for isbn, title, pk, citekey in rows.values_list("isbn", "title", "pk", "citekey"):
                found.setdefault(isbn, []).append((title, pk, citekey))
        return found

    @staticmethod
    def _works(items: list[PlanItem]) -> dict[tuple, list[tuple[int, str, dict]]]:
        hashes = sorted({title_hash(item.values["title"]) for item in items})
        rows = []
        for chunk in _chunks(hashes):
            query = matching(Reference.objects, MD5(Lower("title")), chunk)
            rows += query.values("pk", "citekey", "title", "year", *DETAILS)
        firsts = _first_authors([row["pk"] for row in rows])
        works: dict[tuple, list] = {}
        for row in rows:
            key = (normalised_title(row["title"]), row["year"], firsts.get(row["pk"], ""))
            works.setdefault(key, []).append((row["pk"], row["citekey"], row))
        return works


def _first_authors(pks: list[int]) -> dict[int, str]:
    firsts: dict[int, str] = {}
    for chunk in _chunks(pks):
        rows = (
            Contributor.objects.filter(reference__in=chunk, role=Role.AUTHOR)
            .order_by("reference", "position")
            .values_list("reference_id", "person__family")
        )
        for pk, family in rows:
            firsts.setdefault(pk, family.casefold())
    return firsts


def _mark_duplicate(item: PlanItem, pk: int | None, citekey: str, reason: str) -> None:
    item.status, item.duplicate_of, item.duplicate_citekey, item.reason = (
        DUPLICATE,
        pk,
        citekey,
        reason,
    )


class _InFile:
    """Entries seen so far in the file, for duplicates within one file."""

    def __init__(self):
        self.seen: dict[str, dict] = {"doi": {}, "pmid": {}}
        self.books: dict[str, list[PlanItem]] = {}

    def match(self, item: PlanItem) -> tuple[PlanItem, str] | None:
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


def _find_duplicate(item: PlanItem, stored: _Stored) -> tuple[int, str, str] | None:
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
    for pk, citekey, row in stored.by_work.get(work_key(values, item.authors), ()):
        if same_details(values, row):
            return pk, citekey, SAME_WORK.format(target=citekey)
    return None


# --- citekeys ---------------------------------------------------------------------------


def _base_key(item: PlanItem) -> str:
    family = item.authors[0].family if item.authors else ""
    return citekeys.base_key(family, item.values.get("year"), item.values.get("title", ""))


def _wanted_key(item: PlanItem, taken: set[str]) -> str:
    """The imported key when usable and free, else the DESIGN rule's key."""
    if citekeys.is_usable(item.key) and item.key.lower() not in taken:
        return item.key
    return _base_key(item)


def _stored_keys(keys: Iterable[str]) -> set[str]:
    """The stored citekeys (lower-cased) among these keys, as written or in lower case.

    Exact matches use the unique index on citekey; generated keys are lower-case anyway.
    """
    taken: set[str] = set()
    variants = {variant for key in keys for variant in (key, key.lower())}
    for chunk in _chunks(sorted(variants)):
        query = matching(Reference.objects, "citekey", chunk)
        taken.update(key.lower() for key in query.values_list("citekey", flat=True))
    return taken


def _suffixed_keys(bases: Iterable[str]) -> set[str]:
    """Stored citekeys that are one of these bases with a collision suffix."""
    taken: set[str] = set()
    for chunk in _chunks(sorted(set(bases)), 200):
        pattern = "^(" + "|".join(re.escape(key) for key in chunk) + ")[a-z]{1,3}$"
        rows = Reference.objects.filter(citekey__iregex=pattern).values_list("citekey", flat=True)
        taken.update(key.lower() for key in rows)
    return taken


def assign_citekeys(items: list[PlanItem], taken: set[str]) -> None:
    """The imported key when free; otherwise the DESIGN rule with a collision suffix.

    `taken` holds the lower-case keys already given (by earlier batches); it grows.
    """
    taken |= _stored_keys(item.key for item in items if citekeys.is_usable(item.key))
    wanted = [_wanted_key(item, taken) for item in items]
    generated = [key for key, item in zip(wanted, items, strict=True) if key != item.key]
    taken |= _stored_keys(generated)
    taken |= _suffixed_keys(key for key in generated if key in taken)
    for item, key in zip(items, wanted, strict=True):
        if key.lower() in taken:
            base = _base_key(item)
            if key == item.key:  # Rare: an earlier entry was given this key; look base up.
                taken |= _stored_keys([base]) | _suffixed_keys([base])
            key = citekeys.unique_key(base, taken)
        item.citekey = key
        taken.add(key.lower())
        if key != item.key:
            item.values["original_key"] = item.key[:200]


# --- plan -------------------------------------------------------------------------------


def _item(record: BibRecord) -> PlanItem:
    values, errors, warnings = record_values(record)
    return PlanItem(
        line=record.line or 0,
        key=record.key,
        status=INVALID if errors else NEW,
        messages=tuple(errors + warnings),
        values=values,
        authors=tuple(record.authors),
        editors=tuple(record.editors),
    )


def _problem_item(problem: ParseProblem) -> PlanItem:
    return PlanItem(problem.line, problem.key, INVALID, messages=(problem.message,))


def plan(entries: Iterable[BibRecord | ParseProblem], notes: Iterable[str] = ()) -> ImportPlan:
    """Decide what importing parsed entries would do; reads the database, writes nothing.

    `entries` may be a generator (`bibtex.Reader.entries()`): records are turned into plan
    items one by one, so a file's records and its plan are never in memory together.
    """
    items: list[PlanItem] = []
    in_file, taken = _InFile(), citekeys.TakenKeys()
    planned = (_problem_item(e) if isinstance(e, ParseProblem) else _item(e) for e in entries)
    for batch in _batched(planned, BATCH):
        _plan_batch(batch, in_file, taken)
        items += batch
    items.sort(key=lambda item: item.line)
    return ImportPlan(items=items, notes=list(notes))


def _plan_batch(batch: list[PlanItem], in_file: "_InFile", taken: set[str]) -> None:
    """Duplicates and citekeys for one batch: a few queries per batch, whatever its size."""
    candidates = [item for item in batch if item.status == NEW]
    stored = _Stored(candidates)
    for item in candidates:
        found = _find_duplicate(item, stored)
        if found:
            _mark_duplicate(item, *found)
        elif (match := in_file.match(item)) is not None:
            other, reason = match
            target = IN_FILE.format(line=other.line)
            _mark_duplicate(item, None, other.key, reason.format(target=target))
    assign_citekeys([item for item in candidates if item.status == NEW], taken)


def _batched(items: Iterable, size: int) -> Iterator[list]:
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


# --- apply ------------------------------------------------------------------------------


class _People:
    """Person rows by name, created in bulk when missing."""

    def __init__(self):
        self.ids: dict[Name, int] = {}

    def ensure(self, names: set[Name]) -> None:
        missing = sorted(names - self.ids.keys(), key=lambda n: (n.family, n.given))
        for chunk in _chunks(missing):
            families = {name.family for name in chunk}
            for person in Person.objects.filter(family__in=families):
                self.ids[person.as_name()] = person.pk
        new = [Person(**vars_of(name)) for name in missing if name not in self.ids]
        for person in Person.objects.bulk_create(new, batch_size=BATCH):
            self.ids[person.as_name()] = person.pk


def vars_of(name: Name) -> dict[str, str]:
    return {
        "family": name.family,
        "given": name.given,
        "prefix": name.prefix,
        "suffix": name.suffix,
    }


def _contributors(reference_id: int, item: PlanItem, people: _People) -> list[Contributor]:
    rows = []
    for role, names in ((Role.AUTHOR, item.authors), (Role.EDITOR, item.editors)):
        rows += [
            Contributor(reference_id=reference_id, person_id=people.ids[n], role=role, position=i)
            for i, n in enumerate(names)
        ]
    return rows


def _copy_rows(model, columns: list[str], rows: Iterable[list]) -> None:
    """Insert rows with PostgreSQL's COPY: the fastest bulk write, inside the transaction."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # The raw psycopg copy is outside Django's error wrapping: wrap it, so that a unique
    # violation is an IntegrityError like any other.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN"  # noqa: S608 - names come from model metadata
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _next_ids(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


# Every column but the id (assigned from the sequence) and the search vector (a trigger's).
REFERENCE_COLUMNS = [
    f for f in Reference._meta.concrete_fields if f.attname not in {"id", "search_vector"}
]
REFERENCE_COLUMN_NAMES = [f.column for f in REFERENCE_COLUMNS]
REFERENCE_DEFAULTS = [(f.attname, f.get_default()) for f in REFERENCE_COLUMNS]


def _reference_row(pk: int, item: PlanItem, now) -> list:
    values = {**item.values, "citekey": item.citekey, "created": now, "updated": now}
    values["extra_fields"] = json.dumps(values.get("extra_fields", {}))
    values["latex_source"] = json.dumps(values.get("latex_source", {}))
    return [pk] + [values.get(name, default) for name, default in REFERENCE_DEFAULTS]


def _write_new(items: list[PlanItem], people: _People, progress=None, user=None) -> None:
    """New references and their contributors: one COPY stream each (bulk_create is 10x
    slower); rows are generated as they are sent, so memory stays flat."""
    people.ensure({name for item in items for name in item.authors + item.editors})
    ids, now = _next_ids(Reference, len(items)), timezone.now()

    def reference_rows():
        for done, (pk, item) in enumerate(zip(ids, items, strict=True), start=1):
            yield _reference_row(pk, item, now)
            if progress and (done % BATCH == 0 or done == len(items)):
                progress(done, len(items))

    def contributor_rows():
        for pk, item in zip(ids, items, strict=True):
            for role, names in ((Role.AUTHOR, item.authors), (Role.EDITOR, item.editors)):
                for position, name in enumerate(names):
                    yield (pk, people.ids[name], role.value, position)

    columns = ["id"] + [f.column for f in REFERENCE_COLUMNS]
    _copy_rows(Reference, columns, reference_rows())
    _copy_rows(Contributor, ["reference_id", "person_id", "role", "position"], contributor_rows())
    _record_history(ids, now, user)


def _record_history(ids: list[int], now, user) -> None:
    """One history row per new reference, copied inside the database in one statement."""
    history = Reference.history.model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in ["id", *REFERENCE_COLUMN_NAMES])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history} ({columns}, history_date, history_change_reason, "  # noqa: S608
            f"history_type, history_user_id) SELECT {columns}, %s, %s, '+', %s "
            f"FROM {Reference._meta.db_table} WHERE id = ANY(%s)",
            [now, HISTORY_REASON, getattr(user, "pk", None), ids],
        )


def _write_new_orm(items: list[PlanItem], people: _People, progress=None, user=None) -> None:
    """The same writes with bulk_create, for databases without COPY (SQLite)."""
    people.ensure({name for item in items for name in item.authors + item.editors})
    for done, batch in enumerate(_chunks(items), start=1):
        references = [Reference(citekey=item.citekey, **item.values) for item in batch]
        Reference.objects.bulk_create(references)
        Reference.history.bulk_history_create(
            references, default_user=user, default_change_reason=HISTORY_REASON
        )
        contributors = [
            Contributor(
                reference_id=reference.pk, person_id=people.ids[name], role=role, position=i
            )
            for reference, item in zip(references, batch, strict=True)
            for role, names in ((Role.AUTHOR, item.authors), (Role.EDITOR, item.editors))
            for i, name in enumerate(names)
        ]
        Contributor.objects.bulk_create(contributors)
        if progress:
            progress(min(done * BATCH, len(items)), len(items))


def _update_batch(items: list[PlanItem], people: _People) -> None:
    """Overwrite stored duplicates with the imported values; their citekeys never change."""
    people.ensure({name for item in items for name in item.authors + item.editors})
    stored = Reference.objects.in_bulk([item.duplicate_of for item in items])
    for item in items:
        reference = stored[item.duplicate_of]
        values = {k: v for k, v in item.values.items() if v not in ("", None)}
        values.pop("original_key", None)
        values["extra_fields"] = {**reference.extra_fields, **item.values["extra_fields"]}
        values["latex_source"] = {**reference.latex_source, **item.values["latex_source"]}
        for name, value in values.items():
            setattr(reference, name, value)
        reference.full_clean(validate_unique=False, validate_constraints=False)
        reference.save()
        if item.authors or item.editors:
            reference.contributors.all().delete()
            Contributor.objects.bulk_create(_contributors(reference.pk, item, people))


def _first_line(error: Exception) -> str:
    messages = getattr(error, "messages", None)
    text = "; ".join(messages) if messages else str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _refusal(plan_: ImportPlan, on_duplicate: str, skip_invalid: bool) -> str:
    invalid = len(plan_.with_status(INVALID))
    if invalid and not skip_invalid:
        return REFUSED_INVALID.format(count=invalid, ies="y is" if invalid == 1 else "ies are")
    duplicates = len(plan_.with_status(DUPLICATE))
    if duplicates and on_duplicate == FAIL:
        return REFUSED_DUPLICATE.format(count=duplicates)
    return ""


@contextmanager
def serialised():
    """A transaction in which no other import writes: PostgreSQL's transaction-scoped
    advisory lock (re-entrant, released at commit or rollback). SQLite, the database for
    trying the app, serialises every write itself."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        yield


def apply(
    plan_: ImportPlan,
    *,
    on_duplicate: str = SKIP,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
    user=None,
) -> ApplyResult:
    """Write a plan in one transaction; nothing at all when it must be refused.

    `user` (optional) is recorded as the author of the history rows of new references.
    """
    refused = _refusal(plan_, on_duplicate, skip_invalid)
    if refused:
        return ApplyResult(written=False, refused=refused)
    new = plan_.with_status(NEW)
    updates = plan_.updates(on_duplicate)
    people = _People()
    try:
        with serialised():
            if new and connection.vendor == "postgresql":
                _write_new(new, people, progress, user)
            elif new:
                _write_new_orm(new, people, progress, user)
            for batch in _chunks(updates):
                _update_batch(batch, people)
    except IntegrityError:
        # A unique value taken since the plan was made: nothing is written; a retry plans
        # against what the other writer stored.
        return ApplyResult(written=False, refused=CONFLICT, conflict=True)
    except (ValidationError, DatabaseError) as exc:
        # The transaction is rolled back: nothing is half-written, and the reason is shown.
        return ApplyResult(written=False, refused=WRITE_FAILED.format(error=_first_line(exc)))
    skipped = len(plan_.with_status(DUPLICATE)) - len(updates)
    return ApplyResult(written=True, created=len(new), updated=len(updates), skipped=skipped)
