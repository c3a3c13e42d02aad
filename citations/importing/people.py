"""People of an import: the `Person` row of every author and editor name, found or created
in bulk, and the ordered `Contributor` rows that tie them to a reference."""

from collections.abc import Iterable, Iterator

from citations.batches import batched
from citations.importing.mapping import vars_of
from citations.importing.plans import BATCH, PlanItem
from citations.models import Contributor, Person, Role
from citations.text.records import Name


def names_of(items: Iterable[PlanItem]) -> set[Name]:
    return {name for item in items for name in item.authors + item.editors}


def roles_of(item: PlanItem) -> Iterator[tuple[Role, int, Name]]:
    """(role, position, name) of each author, then each editor, in the entry's order."""
    for role, names in ((Role.AUTHOR, item.authors), (Role.EDITOR, item.editors)):
        for position, name in enumerate(names):
            yield role, position, name


class People:
    """Person rows by name, created in bulk when missing."""

    def __init__(self):
        self.ids: dict[Name, int] = {}

    def ensure(self, names: set[Name]) -> None:
        """Know the id of each name: stored people are found, the others created."""
        missing = sorted(names - self.ids.keys(), key=lambda n: (n.family, n.given))
        for chunk in batched(missing, BATCH):
            families = {name.family for name in chunk}
            for person in Person.objects.filter(family__in=families):
                self.ids[person.as_name()] = person.pk
        new = [Person(**vars_of(name)) for name in missing if name not in self.ids]
        for person in Person.objects.bulk_create(new, batch_size=BATCH):
            self.ids[person.as_name()] = person.pk

    def contributors(self, reference_id: int, item: PlanItem) -> list[Contributor]:
        """The contributor rows of one entry (its names `ensure`d first)."""
        return [
            Contributor(
                reference_id=reference_id, person_id=self.ids[name], role=role, position=position
            )
            for role, position, name in roles_of(item)
        ]
