"""Writes with rules for references: importing BibTeX (plan, then apply)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from citations import bibtex, importer
from citations.importer import ApplyResult, ImportPlan

UNKNOWN_ON_DUPLICATE = "on_duplicate must be one of: skip, update, fail."
UPDATE_NEEDS_CHANGE = (
    "on_duplicate=update overwrites references: it needs permission to change them."
)


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


def reference_import_plan(*, data: str | bytes) -> ImportPlan:
    """Parse BibTeX and plan its import; reads the database, writes nothing."""
    reader = bibtex.Reader(data)
    return importer.plan(reader.entries(), reader.notes)


def reference_import_bibtex(
    *,
    data: str | bytes,
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_duplicate: str = importer.SKIP,
    progress: Callable[[int, int], None] | None = None,
    user=None,
) -> ImportOutcome:
    """Import a BibTeX file: one transaction, or nothing written (see `importer.apply`).

    `user` is who imports (None for the command line): updating duplicates needs their
    permission to change references, adding new ones is the caller's to check.
    """
    if on_duplicate not in importer.ON_DUPLICATE_CHOICES:
        raise ValueError(UNKNOWN_ON_DUPLICATE)
    if on_duplicate == importer.UPDATE and not may_change_references(user):
        raise PermissionDenied(UPDATE_NEEDS_CHANGE)
    plan = reference_import_plan(data=data)
    if dry_run:
        return ImportOutcome(plan=plan, result=None)
    result = importer.apply(
        plan, on_duplicate=on_duplicate, skip_invalid=skip_invalid, progress=progress, user=user
    )
    return ImportOutcome(plan=plan, result=result)


def may_change_references(user) -> bool:
    return user is None or user.has_perm("citations.change_reference")
