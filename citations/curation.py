"""Curation of one reference: a free citekey by the citekey rule, its authors or editors
typed as one list, and their positions numbered again after a delete."""

from django.db import transaction
from django.db.models import F

from citations import citekeys
from citations.history import save_with_history
from citations.models import Contributor, Person, Reference, Role
from citations.text.records import Name

AUTHORS_SET = "authors set from a typed list"


def reference_generate_citekey(*, family: str, year, title: str, exclude_pk=None) -> str:
    """A free citekey by the citekey rule (citations.citekeys), with a suffix when taken."""
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
