"""Streaming BibTeX exports from the database, in constant memory for any size.

References are read with `QuerySet.iterator(chunk_size=...)` as plain rows; for each chunk
the contributors are fetched in one query (a prefetch by hand: rows, not model instances,
which is several times faster) and turned into plain records (`record_stream`, by
`citations.models.reference_record`, the mapping `Reference.to_record` uses), which the
pure modules render one entry at a time: `bibtex_stream` here, and the API's BibTeX, CSL-JSON
and RIS renderers.
"""

from collections.abc import Iterator

from django.db.models import BigIntegerField, QuerySet

from citations.batches import batched
from citations.bibtex import render_entries
from citations.membership import matching
from citations.models import Contributor, Reference, Role, reference_record
from citations.text.records import BibRecord, Name

CHUNK_SIZE = 2000
# Every column but timestamps and the search vector, so that `reference_record` finds
# whatever it reads.
BIBTEX_SOURCES = [
    field.attname
    for field in Reference._meta.concrete_fields
    if field.get_internal_type() not in {"DateTimeField", "SearchVectorField"}
]
NAME_COLUMNS = ("person__family", "person__given", "person__prefix", "person__suffix")


def _names(reference_ids: list[int]) -> dict[int, tuple[list[Name], list[Name]]]:
    """Ordered authors and editors of these references, in one query."""
    names: dict[int, tuple[list[Name], list[Name]]] = {}
    shared: dict[tuple, Name] = {}
    rows = (
        matching(Contributor.objects, "reference_id", reference_ids, BigIntegerField())
        .order_by("reference_id", "role", "position")
        .values_list("reference_id", "role", *NAME_COLUMNS)
    )
    for reference_id, role, *parts in rows:
        name = shared.setdefault(tuple(parts), Name(*parts))
        authors, editors = names.setdefault(reference_id, ([], []))
        (authors if role == Role.AUTHOR else editors).append(name)
    return names


def record_stream(
    queryset: QuerySet[Reference] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[BibRecord]:
    """The references as plain records, ordered by citekey, one chunk in memory at a time."""
    queryset = Reference.objects.all() if queryset is None else queryset
    rows = queryset.order_by("citekey").values_list(*BIBTEX_SOURCES, named=True)
    for batch in batched(rows.iterator(chunk_size=chunk_size), chunk_size):
        names = _names([row.id for row in batch])
        for row in batch:
            authors, editors = names.get(row.id, ([], []))
            yield reference_record(row, authors, editors)


def bibtex_stream(
    queryset: QuerySet[Reference] | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    unicode: bool = False,
) -> Iterator[str]:
    """BibTeX text of the references, entry by entry, ordered by citekey (pdfLaTeX-safe
    ASCII, or UTF-8 with `unicode`)."""
    yield from render_entries(record_stream(queryset, chunk_size=chunk_size), unicode=unicode)
