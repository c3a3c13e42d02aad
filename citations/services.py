"""Writes with rules for references: importing BibTeX (plan, then apply)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from citations import bibtex, importer
from citations.importer import ApplyResult, ImportPlan

UNKNOWN_ON_DUPLICATE = "on_duplicate must be one of: skip, update, fail."


@dataclass
class ImportOutcome:
    """The plan of an import and, unless it was a dry run, what applying it did."""

    plan: ImportPlan
    result: ApplyResult | None

    @property
    def ok(self) -> bool:
        """Nothing invalid, and the plan was written (or only previewed)."""
        nothing_invalid = not self.plan.with_status(importer.INVALID)
        return nothing_invalid and (self.result is None or self.result.written)


def bibtex_reader(data: str | bytes, encoding: str | None = None) -> bibtex.Reader:
    """A reader of an uploaded file, within the configured limits."""
    return bibtex.Reader(
        data,
        encoding=encoding or None,
        max_value=settings.BIBTEX_MAX_FIELD_BYTES,
        max_expansion=settings.BIBTEX_MAX_EXPANSION_BYTES,
    )


def reference_import_plan(*, data: str | bytes, encoding: str | None = None) -> ImportPlan:
    """Parse BibTeX and plan its import; reads the database, writes nothing."""
    reader = bibtex_reader(data, encoding)
    return importer.plan(reader.entries(), reader.notes)


def reference_import_bibtex(
    *,
    data: str | bytes,
    encoding: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_duplicate: str = importer.SKIP,
    progress: Callable[[int, int], None] | None = None,
    user=None,
) -> ImportOutcome:
    """Import a BibTeX file: one transaction, or nothing written (see `importer.apply`)."""
    if on_duplicate not in importer.ON_DUPLICATE_CHOICES:
        raise ValueError(UNKNOWN_ON_DUPLICATE)
    if dry_run:
        return ImportOutcome(plan=reference_import_plan(data=data, encoding=encoding), result=None)
    with importer.serialised():
        # Planned inside the lock: an import that ran meanwhile is seen, its entries are
        # duplicates, not new references stored twice.
        plan = reference_import_plan(data=data, encoding=encoding)
        result = importer.apply(
            plan, on_duplicate=on_duplicate, skip_invalid=skip_invalid, progress=progress, user=user
        )
    return ImportOutcome(plan=plan, result=result)
