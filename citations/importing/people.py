"""People of an import: the `Person` row of every author and editor name, found or created
in bulk, and the ordered `Contributor` rows that tie them to a reference."""

from collections.abc import Iterable, Iterator
from operator import attrgetter

from citations.batches import batched
from citations.importing.copying import copy_rows, next_ids
from citations.importing.plans import BATCH, PlanItem
from citations.membership import matching, through_btrees
from citations.models import Contributor, Person, Role
from citations.text.records import Name

NAME_FIELDS = ("family", "given", "prefix", "suffix")  # a Name's, in its order
PERSON_COLUMNS = ["id", *NAME_FIELDS, "orcid"]


def names_of(items: Iterable[PlanItem]) -> set[Name]:
    return {name for item in items for name in item.authors + item.editors}


def roles_of(item: PlanItem) -> Iterator[tuple[Role, int, Name]]:
    """(role, position, name) of each author, then each editor, in the entry's order."""
    for role, names in ((Role.AUTHOR, item.authors), (Role.EDITOR, item.editors)):
        for position, name in enumerate(names):
            yield role, position, name


def creation_order(names: Iterable[Name]) -> list[Name]:
    """`names` in the order their people are created: by every part of the name, a total
    order, so new people get the same ids whatever order a set (hash seed) gave them in."""
    return sorted(names, key=attrgetter(*NAME_FIELDS))


class People:
    """Person rows by name, created in bulk when missing."""

    def __init__(self):
        self.ids: dict[Name, int] = {}

    def ensure(self, names: set[Name]) -> None:
        """Know the id of each name: stored people are found (as rows, not instances), the
        others created with COPY."""
        missing = creation_order(names - self.ids.keys())
        with through_btrees():  # not the family's trigram index
            for chunk in batched(missing, BATCH):
                families = list({name.family for name in chunk})
                stored = matching(Person.objects, "family", families, opaque=True)
                stored = stored.order_by()
                for pk, *parts in stored.values_list("pk", *NAME_FIELDS):
                    self.ids[Name(*parts)] = pk
        new = [name for name in missing if name not in self.ids]
        if new:
            ids = next_ids(Person, len(new))
            rows = (
                (pk, *(getattr(name, part) for part in NAME_FIELDS), "")
                for pk, name in zip(ids, new, strict=True)
            )
            copy_rows(Person, PERSON_COLUMNS, rows)
            self.ids.update(zip(new, ids, strict=True))

    def contributors(self, reference_id: int, item: PlanItem) -> list[Contributor]:
        """The contributor rows of one entry (its names `ensure`d first)."""
        return [
            Contributor(
                reference_id=reference_id, person_id=self.ids[name], role=role, position=position
            )
            for role, position, name in roles_of(item)
        ]
