"""Second keys: an entry that is a work already in the ledger (or earlier in its file) is
not a second record; its key becomes an alias of that record.

Why one record with both keys, and not two: the ledger keeps one record per work (a DOI is
unique, and a curator verifies, grades and retracts a work once), yet a document may
`\\cite` either key. So the second key is a `ReferenceAlias` (the API and the reference
pages redirect it to the record, as for merged records) and is added to the record's
biblatex `ids` field, so an exported file lets `\\cite{second}` resolve in biblatex. A key
that is not usable as a citekey, or that a stored record or alias holds, is left out (the
plan still reports the entry as a duplicate).
"""

from citations import citekeys
from citations.batches import batched
from citations.importing.plans import BATCH, DUPLICATE, PlanItem
from citations.membership import matching, through_btrees
from citations.models import Reference, ReferenceAlias

ALIAS_NOTE = "A second key for this work in an imported file (line {line})."


def _targets(items: list[PlanItem], written: dict[str, PlanItem]) -> dict[str, str]:
    """Each duplicate's key -> the citekey of the record it is the same work as."""
    targets = {}
    for item in items:
        if item.duplicate_of is not None:
            targets[item.key] = item.duplicate_citekey
        elif (first := written.get(item.duplicate_citekey)) is not None and first.citekey:
            targets[item.key] = first.citekey
    return targets


def _aliased(items: list[PlanItem]) -> list[PlanItem]:
    """The duplicates whose keys may become aliases."""
    return [item for item in items if item.status == DUPLICATE and citekeys.is_usable(item.key)]


def held_keys(items: list[PlanItem]) -> set[str]:
    """Those of the duplicates' keys (lower-cased) that a stored record or alias holds, in
    any case: read before the plan's references are written (`write_aliases` adds theirs).
    After a COPY of thousands of rows, the planner, without statistics yet, may take the
    citekey's trigram index, whose pending list holds every new row: up to 4 s a query of
    500 keys, hence `through_btrees`."""
    keys = {k for item in _aliased(items) for k in (item.key, item.key.lower())}
    held: set[str] = set()
    if not keys:
        return held
    with through_btrees():  # not the citekey's trigram index
        for chunk in batched(sorted(keys), BATCH):
            for model in (Reference, ReferenceAlias):
                rows = matching(model.objects, "citekey", chunk, opaque=True)
                rows = rows.values_list("citekey", flat=True)
                held.update(key.lower() for key in rows)
    return held


def _add_ids(reference: Reference, keys: list[str]) -> None:
    ids = [key.strip() for key in reference.extra_fields.get("ids", "").split(",") if key.strip()]
    ids += [key for key in keys if key not in ids]
    reference.extra_fields = {**reference.extra_fields, "ids": ", ".join(ids)}


def write_aliases(items: list[PlanItem], held: set[str]) -> int:
    """Aliases for the duplicates among a written plan's `items`; returns how many.

    `held` is `held_keys(items)`, read before the plan's new references were written."""
    written = {item.key: item for item in items if item.citekey}
    held = held | {item.citekey.lower() for item in written.values()}
    duplicates = _aliased(items)
    targets = _targets(duplicates, written)
    wanted = {key: target for key, target in targets.items() if key.lower() not in held}
    if not wanted:
        return 0
    with through_btrees():  # as in `held_keys`: the new rows are in the pending list
        records = Reference.objects.in_bulk(set(wanted.values()), field_name="citekey")
    by_target: dict[str, list[str]] = {}
    lines = {item.key: item.line for item in duplicates}
    aliases = []
    for key, target in wanted.items():
        if target in records:
            by_target.setdefault(target, []).append(key)
            note = ALIAS_NOTE.format(line=lines[key])
            aliases.append(ReferenceAlias(citekey=key, reference=records[target], note=note))
    ReferenceAlias.objects.bulk_create(aliases)
    for target, keys in by_target.items():
        _add_ids(records[target], keys)
    Reference.objects.bulk_update([records[t] for t in by_target], ["extra_fields"])
    return len(aliases)
