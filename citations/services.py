"""Writes with rules for references: importing BibTeX (plan, then apply), verification,
contributors typed as one list, generated citekeys."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from citations import bibtex, citekeys, importer
from citations.history import save_with_history
from citations.importer import ApplyResult, ImportPlan
from citations.models import Contributor, Person, Reference, Role
from citations.records import Name

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


# --- curation of one reference ----------------------------------------------------------

AUTHORS_SET = "authors set from a typed list"


def reference_generate_citekey(*, family: str, year, title: str, exclude_pk=None) -> str:
    """A free citekey by the DESIGN rule (citations.citekeys), with a suffix when taken."""
    base = citekeys.base_key(family, year, title)
    stored = Reference.objects.filter(citekey__istartswith=base).exclude(pk=exclude_pk)
    taken = {key.lower() for key in stored.values_list("citekey", flat=True)}
    return citekeys.unique_key(base, taken)


def people_for(names: list[Name]) -> list[Person]:
    """The stored person of each name, created when missing (same name, same person)."""
    people = []
    for name in names:
        person, _ = Person.objects.get_or_create(
            family=name.family, given=name.given, prefix=name.prefix, suffix=name.suffix
        )
        people.append(person)
    return people


@transaction.atomic
def reference_set_contributors(
    *, reference: Reference, names: list[Name], role: str = Role.AUTHOR, actor=None
) -> list[Contributor]:
    """Replace the authors (or editors) of `reference` with `names`, numbered in order."""
    reference.contributors.filter(role=role).delete()
    rows = [
        Contributor(reference=reference, person=person, role=role, position=position)
        for position, person in enumerate(people_for(names))
    ]
    created = Contributor.objects.bulk_create(rows)
    save_with_history(reference, actor=actor, reason=AUTHORS_SET)
    return created


@transaction.atomic
def reference_number_contributors(*, reference: Reference) -> None:
    """Positions 0, 1, 2 ... per role in their current order: no gaps after a delete."""
    rows = list(reference.contributors.order_by("role", "position", "pk"))
    wanted, counters = [], {}
    for row in rows:
        wanted.append(counters.get(row.role, 0))
        counters[row.role] = wanted[-1] + 1
    if [row.position for row in rows] == wanted:
        return
    # Out of the way first: the unique (reference, role, position) holds after each statement.
    top = max(row.position for row in rows) + 1
    reference.contributors.update(position=F("position") + top)
    for row, position in zip(rows, wanted, strict=True):
        row.position = position
    Contributor.objects.bulk_update(rows, ["position"])
