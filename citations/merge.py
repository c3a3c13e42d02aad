"""Merging duplicates: two references (or two people) that are one work (or one person).

`reference_merge_plan(survivor, loser)` previews what a merge would move, row counts per
related model, and what stops it (two evidence items of one claim and outcome, one on each
side). `reference_merge(...)` then moves every row that points at the loser (evidence,
citations of claims, any later relation such as coverage) to the survivor, keeps the loser's
citekey as a `ReferenceAlias` (its page redirects there for good) with the loser's "as cited"
text (attributed to that citekey; the survivor takes it too when it has none of its own),
deletes the loser with a history record, and records on the survivor's history what moved.
The loser's contributors go with it: the survivor's author list stands. `person_merge` moves
contributions. A record that another merge (or a delete) removed meanwhile stops the merge
with `MergeConflict` (HTTP 409 Conflict), and nothing changes.

Relations are found from the model's metadata, not listed here, so citations knows no
claims or evidence and a relation added later moves too.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.utils import bulk_update_with_history

from citations.history import delete_with_history, save_with_history
from citations.models import Contributor, Person, Reference, ReferenceAlias

SAME_RECORD = "A record cannot be merged into itself."
CLASHES = "Cannot merge: {clashes}. Edit or delete one of each pair first."
CLASH = "{model} {values} is on both"
MERGED_INTO = "merged into {survivor}"
MERGED_FROM = "merged {loser} into this: {moved}"
NOTHING_MOVED = "nothing to move"
RECORD_GONE = (
    "{record} was merged or deleted by someone else meanwhile: nothing was changed. "
    "Reload the list and choose again."
)


class MergeConflict(Exception):
    """A record of the merge is gone: another merge or a delete removed it meanwhile."""


@dataclass
class MergePlan:
    """What a merge would move (verbose model name -> rows) and what stops it."""

    survivor: models.Model
    loser: models.Model
    moves: dict[str, int] = field(default_factory=dict)
    clashes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        moved = [f"{count} {name}" for name, count in self.moves.items() if count]
        return ", ".join(moved) or NOTHING_MOVED


def pointing_fields(model, skip=()) -> list[models.ForeignKey]:
    """The foreign keys of other models (and of many-to-many tables) that point at `model`,
    historical records and `skip` models aside."""
    fields = []
    for relation in model._meta.related_objects:
        if relation.hidden or relation.related_model in skip:
            continue
        if relation.many_to_many:
            through = relation.through._meta
            fields += [f for f in through.fields if f.is_relation and f.related_model is model]
        else:
            fields.append(relation.field)
    return fields


def _unique_partners(fk) -> list[tuple[str, ...]]:
    """The other fields of each unconditional unique constraint that includes `fk`."""
    constraints = [
        c.fields
        for c in fk.model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is None and fk.name in c.fields
    ]
    together = [tuple(t) for t in fk.model._meta.unique_together if fk.name in t]
    if fk.many_to_many or fk.model._meta.auto_created:
        together.append(tuple(f.name for f in fk.model._meta.fields if f.is_relation))
    return [tuple(name for name in fields if name != fk.name) for fields in constraints + together]


def _clashing(fk, survivor, loser) -> list:
    """Rows of the loser that would duplicate a row of the survivor once moved."""
    clashes = []
    for partners in _unique_partners(fk):
        names = [fk.model._meta.get_field(n).attname for n in partners]
        kept = set(fk.model._base_manager.filter(**{fk.name: survivor}).values_list(*names))
        rows = fk.model._base_manager.filter(**{fk.name: loser})
        clashes += [row for row in rows if tuple(getattr(row, n) for n in names) in kept]
    return clashes


def plan_merge(survivor, loser, *, skip=()) -> MergePlan:
    if survivor.pk == loser.pk:
        raise ValidationError(SAME_RECORD)
    plan = MergePlan(survivor, loser)
    for fk in pointing_fields(type(loser), skip):
        name = str(fk.model._meta.verbose_name_plural)
        count = fk.model._base_manager.filter(**{fk.name: loser}).count()
        plan.moves[name] = plan.moves.get(name, 0) + count
        if fk.model._meta.auto_created:
            continue  # a link both already have is simply dropped
        plan.clashes += [
            CLASH.format(model=fk.model._meta.verbose_name, values=row)
            for row in _clashing(fk, survivor, loser)
        ]
    return plan


def _move(fk, survivor, loser, *, actor, reason: str) -> None:
    rows = fk.model._base_manager.filter(**{fk.name: loser})
    if fk.model._meta.auto_created:
        for row in _clashing(fk, survivor, loser):
            row.delete()
        rows.update(**{fk.name: survivor})
        return
    rows = list(rows)
    for row in rows:
        setattr(row, fk.name, survivor)
    if hasattr(fk.model, "history"):
        bulk_update_with_history(
            rows, fk.model, [fk.name], default_user=actor, default_change_reason=reason
        )
    else:
        fk.model._base_manager.bulk_update(rows, [fk.name])


def _merge(survivor, loser, *, actor, label: str, skip=()) -> MergePlan:
    plan = plan_merge(survivor, loser, skip=skip)
    if plan.clashes:
        raise ValidationError(CLASHES.format(clashes="; ".join(plan.clashes)))
    reason = MERGED_INTO.format(survivor=label)
    for fk in pointing_fields(type(loser), skip):
        _move(fk, survivor, loser, actor=actor, reason=reason)
    return plan


def _locked(model, *records):
    """The records as stored, locked in primary-key order."""
    stored = model._base_manager.select_for_update().in_bulk([r.pk for r in records])
    gone = [record for record in records if record.pk not in stored]
    if gone:
        raise MergeConflict(RECORD_GONE.format(record=gone[0]))
    return [stored[r.pk] for r in records]


@transaction.atomic
def reference_merge(*, survivor: Reference, loser: Reference, actor=None) -> MergePlan:
    """Merge `loser` into `survivor` (see the module docstring); returns what moved."""
    survivor, loser = _locked(Reference, survivor, loser)
    plan = _merge(survivor, loser, actor=actor, label=survivor.citekey, skip=(Contributor,))
    note = MERGED_FROM.format(loser=loser.citekey, moved=plan.summary)
    ReferenceAlias.objects.create(
        citekey=loser.citekey, reference=survivor, note=note, as_cited=loser.as_cited
    )
    if not survivor.as_cited.strip():
        survivor.as_cited = loser.as_cited
    delete_with_history(loser, actor=actor, reason=MERGED_INTO.format(survivor=survivor.citekey))
    save_with_history(survivor, actor=actor, reason=note)
    return plan


@transaction.atomic
def person_merge(*, survivor: Person, loser: Person, actor=None) -> MergePlan:
    """Merge `loser` into `survivor`: contributions move; an ORCID only the loser had is kept."""
    survivor, loser = _locked(Person, survivor, loser)
    plan = _merge(survivor, loser, actor=actor, label=str(survivor))
    orcid = loser.orcid
    delete_with_history(loser, actor=actor, reason=MERGED_INTO.format(survivor=survivor))
    if orcid and not survivor.orcid:
        survivor.orcid = orcid
    note = MERGED_FROM.format(loser=loser, moved=plan.summary)
    save_with_history(survivor, actor=actor, reason=note)
    return plan


def reference_merge_plan(*, survivor: Reference, loser: Reference) -> MergePlan:
    return plan_merge(survivor, loser, skip=(Contributor,))


def person_merge_plan(*, survivor: Person, loser: Person) -> MergePlan:
    return plan_merge(survivor, loser)
