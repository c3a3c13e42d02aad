"""Streaming exports from the database, in constant memory and at a constant rate per entry
for any size.

References are read a chunk at a time by keyset pagination on their citekey (unique,
indexed): each chunk is one short query, `WHERE citekey > <the last one> ORDER BY citekey
LIMIT <size>`, which reads the index from where the previous chunk stopped, whatever the
size of the table or the filters of the selection (the EXISTS of `cited_by`, a search).
There is no long-lived cursor: a server-side cursor would be WITH HOLD outside a
transaction, which PostgreSQL materialises whole before the first row is read, and it would
keep one snapshot open for the length of a download. So each chunk sees the table as it is
then: every reference that exists from the start to the end of the export is written
exactly once, in citekey order; a reference added or removed meanwhile may be or not be.

For each chunk the contributors are fetched in one query with their names (by hand, rows
not model instances, which is several times faster), each name by an index probe: a join
would be planned as a hash join over every person, a scan whose cost grows with the table.
The chunk becomes plain records (`record_stream`, by `citations.reference_records.reference_record`,
the mapping `Reference.to_record` uses), which the pure modules render one entry at a
time: `bibtex_stream` here, and the API's BibTeX, CSL-JSON and RIS renderers.
"""

from collections.abc import Iterator

from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, CharField, F, Func, OuterRef, QuerySet, Subquery

from citations.bibtex import render_entries
from citations.membership import matching
from citations.models import Contributor, Person, Reference, Role, reference_record
from citations.text.records import BibRecord, Name

CHUNK_SIZE = 2000
KEY = "citekey"  # unique and indexed: the order of the exports and their keyset
# Every column but timestamps and the search vector, so that `reference_record` finds
# whatever it reads.
BIBTEX_SOURCES = [
    field.attname
    for field in Reference._meta.concrete_fields
    if field.get_internal_type() not in {"DateTimeField", "SearchVectorField"}
]
NAME_COLUMNS = ("family", "given", "prefix", "suffix")


class NameParts(Func):
    """A person's name columns as one array, `ARRAY[family, given, prefix, suffix]`."""

    template = "ARRAY[%(expressions)s]"
    output_field = ArrayField(CharField())

    def __init__(self):
        super().__init__(*(F(column) for column in NAME_COLUMNS))


def keyset_chunks(queryset: QuerySet, columns: list[str], size: int) -> Iterator[list]:
    """The rows of `queryset` (named tuples of `columns`, which include KEY) in KEY order,
    `size` at a time: one query a chunk, each starting after the last key of the one
    before."""
    ordered = queryset.order_by(KEY).values_list(*columns, named=True)
    last = None
    while True:
        page = ordered if last is None else ordered.filter(**{f"{KEY}__gt": last})
        rows = list(page[:size])
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = getattr(rows[-1], KEY)


def _names(reference_ids: list[int]) -> dict[int, tuple[list[Name], list[Name]]]:
    """Ordered authors and editors of these references, in one query.

    Each contributor's name comes from a correlated subquery, an index probe per row: a join
    would be planned as a hash join over every person, a scan whose cost grows with the
    table (92 ms a chunk at a million references)."""
    person = Person.objects.filter(pk=OuterRef("person_id")).order_by().values(parts=NameParts())
    rows = (
        matching(Contributor.objects, "reference_id", reference_ids, BigIntegerField())
        .order_by("reference_id", "role", "position")
        .values_list("reference_id", "role", "person_id", Subquery(person))
    )
    names: dict[int, tuple[list[Name], list[Name]]] = {}
    people: dict[int, Name] = {}
    for reference_id, role, person_id, parts in rows:
        name = people.get(person_id)
        if name is None:
            name = people[person_id] = Name(*parts)
        authors, editors = names.setdefault(reference_id, ([], []))
        (authors if role == Role.AUTHOR else editors).append(name)
    return names


def record_stream(
    queryset: QuerySet[Reference] | None = None, *, chunk_size: int | None = None
) -> Iterator[BibRecord]:
    """The references as plain records, ordered by citekey, one chunk (CHUNK_SIZE
    references unless told) in memory at a time."""
    queryset = Reference.objects.all() if queryset is None else queryset
    for batch in keyset_chunks(queryset, BIBTEX_SOURCES, chunk_size or CHUNK_SIZE):
        names = _names([row.id for row in batch])
        for row in batch:
            authors, editors = names.get(row.id, ([], []))
            yield reference_record(row, authors, editors)


def bibtex_stream(
    queryset: QuerySet[Reference] | None = None,
    *,
    chunk_size: int | None = None,
    unicode: bool = False,
) -> Iterator[str]:
    """BibTeX text of the references, entry by entry, ordered by citekey (pdfLaTeX-safe
    ASCII, or UTF-8 with `unicode`)."""
    yield from render_entries(record_stream(queryset, chunk_size=chunk_size), unicode=unicode)
