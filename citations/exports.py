"""Streaming BibTeX exports from the database, in constant memory for any size.

References are read in chunks with their contributors prefetched per chunk
(`QuerySet.iterator(chunk_size=...)` with `prefetch_related`), turned into plain records and
rendered by the pure `citations.bibtex` module one entry at a time.
"""

from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from citations.bibtex import render_entries
from citations.models import Contributor, Reference

CHUNK_SIZE = 2000


def references_for_export(queryset: QuerySet[Reference] | None = None) -> QuerySet[Reference]:
    queryset = Reference.objects.all() if queryset is None else queryset
    contributors = Contributor.objects.select_related("person").order_by("role", "position")
    return queryset.order_by("citekey").prefetch_related(
        Prefetch("contributors", queryset=contributors)
    )


def bibtex_stream(
    queryset: QuerySet[Reference] | None = None, *, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """BibTeX text of the references, entry by entry, ordered by citekey."""
    references = references_for_export(queryset).iterator(chunk_size=chunk_size)
    return render_entries(reference.to_record() for reference in references)
