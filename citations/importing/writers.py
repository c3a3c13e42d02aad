"""Writers: how the rows of a plan reach the database, behind one interface (`Writer`).

A writer writes plan items inside the caller's transaction (`applying.apply` opens it and
chooses the writers): `CopyWriter` writes new references with PostgreSQL's COPY, the bulk
write that meets the import benchmark (rows are generated as they are sent, so memory
stays flat); `UpdateWriter` writes the imported values over the stored references that
entries duplicate. Each new reference gets its django-simple-history row ("Imported from
BibTeX"), copied inside the database (the library makes the import too slow:
`CopyWriter._history`).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from citations.batches import batched
from citations.importing.copying import copy_rows, next_ids
from citations.importing.people import People, names_of, roles_of
from citations.importing.plans import BATCH, PlanItem
from citations.models import Contributor, Reference

HISTORY_REASON = "Imported from BibTeX"
# Every column but the id (assigned from the sequence) and the search vector (a trigger's).
REFERENCE_COLUMNS = [
    f for f in Reference._meta.concrete_fields if f.attname not in {"id", "search_vector"}
]
# A new reference's row before its values: each column's default, and where each goes.
REFERENCE_DEFAULTS = [f.get_default() for f in REFERENCE_COLUMNS]
REFERENCE_POSITION = {f.attname: position for position, f in enumerate(REFERENCE_COLUMNS)}
CONTRIBUTOR_COLUMNS = ["reference_id", "person_id", "role", "position"]

Progress = Callable[[int, int], None]


@dataclass
class Writer:
    """Writes plan items in the open transaction; `people` is shared by the writers of one
    import, `user` is the author of history rows, `progress(done, total)` is told along."""

    people: People
    user: Any = None
    progress: Progress | None = None

    def write(self, items: list[PlanItem]) -> None:
        raise NotImplementedError

    def _advance(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)


class CopyWriter(Writer):
    """New references and their contributors with PostgreSQL's COPY: one stream each
    (bulk_create is 10x slower), their ids taken from the sequence beforehand."""

    def write(self, items: list[PlanItem]) -> None:
        self.people.ensure(names_of(items))
        ids, now = next_ids(Reference, len(items)), timezone.now()
        columns = ["id"] + [f.column for f in REFERENCE_COLUMNS]
        copy_rows(Reference, columns, self._reference_rows(ids, items, now))
        copy_rows(Contributor, CONTRIBUTOR_COLUMNS, self._contributor_rows(ids, items))
        self._history(ids, items, now)

    def _history(self, ids: list[int], items: list[PlanItem], now) -> None:
        """One history row per new reference, copied inside the database in one statement.

        Not simple-history's `bulk_history_create`: bench/import_history.py measured it
        at 20-24x this statement's time for the history of 10,000 references, making the
        whole import 1.33-1.67x slower (by the load), over the 1.3x allowed the library.
        """
        history = Reference.history.model._meta.db_table
        names = ["id"] + [f.column for f in REFERENCE_COLUMNS]
        columns = ", ".join(connection.ops.quote_name(name) for name in names)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {history} ({columns}, history_date, history_change_reason, "  # noqa: S608
                f"history_type, history_user_id) SELECT {columns}, %s, %s, '+', %s "
                f"FROM {Reference._meta.db_table} WHERE id = ANY(%s)",
                [now, HISTORY_REASON, getattr(self.user, "pk", None), ids],
            )

    def _reference_rows(self, ids: list[int], items: list[PlanItem], now) -> Iterator[list]:
        for done, (pk, item) in enumerate(zip(ids, items, strict=True), start=1):
            yield _reference_row(pk, item, now)
            if done % BATCH == 0 or done == len(items):
                self._advance(done, len(items))

    def _contributor_rows(self, ids: list[int], items: list[PlanItem]) -> Iterator[tuple]:
        for pk, item in zip(ids, items, strict=True):
            for role, position, name in roles_of(item):
                yield (pk, self.people.ids[name], role.value, position)


def _reference_row(pk: int, item: PlanItem, now) -> list:
    """The id, then `REFERENCE_COLUMNS`: the item's values over the defaults (a dozen
    values placed by position rather than thirty looked up by name)."""
    row, position = REFERENCE_DEFAULTS.copy(), REFERENCE_POSITION
    for name, value in item.values.items():
        if (at := position.get(name)) is not None:
            row[at] = value
    row[position["citekey"]] = item.citekey
    row[position["created"]] = row[position["updated"]] = now
    for name in ("extra_fields", "latex_source"):  # `jsonb`: never null
        row[position[name]] = item.values.get(name) or {}
    return [pk, *row]


class UpdateWriter(Writer):
    """The imported values over the stored references that entries duplicate; their
    citekeys never change, and their contributors are replaced when the entry names any."""

    def write(self, items: list[PlanItem]) -> None:
        lock_in_order(item.duplicate_of for item in items)
        for batch in batched(items, BATCH):
            self.people.ensure(names_of(batch))
            stored = Reference.objects.in_bulk([item.duplicate_of for item in batch])
            for item in batch:
                self._update(stored[item.duplicate_of], item)

    def _update(self, reference: Reference, item: PlanItem) -> None:
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
            Contributor.objects.bulk_create(self.people.contributors(reference.pk, item))


def lock_in_order(reference_ids) -> None:
    """Lock every reference an import updates, in primary-key order, before the first update.
    Updating a reference locks the claims citing it (claims migration 0009) and an evidence
    write locks its references before its claims: taken one at a time, as they are updated,
    these locks could wait on an evidence write that waits on them."""
    ids = sorted(set(reference_ids))
    for batch in batched(ids, BATCH):
        locked = Reference.objects.select_for_update().filter(pk__in=batch).order_by("pk")
        list(locked.values_list("pk", flat=True))
