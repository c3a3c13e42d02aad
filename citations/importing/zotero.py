"""Syncing a Zotero library: the items changed since its last sync become records and go
through the same plan and apply as a BibTeX file (duplicates, citekeys, all in one
transaction, invalid items skipped and reported).

An item already imported (its Zotero key stored in `extra_fields["zoterokey"]`) is an
update of that reference; an item that is a work the ledger already holds from elsewhere
(same DOI, PMID, ...) is left alone (a Zotero sync never overwrites a curator's record);
every other item is new. The library's version moves on only when the write succeeded,
so a failed sync is asked again in full next time.
"""

from dataclasses import dataclass

from django.utils import timezone

from citations import importing
from citations.importing.plans import DUPLICATE, UPDATE, ImportPlan
from citations.models import Reference, ZoteroLibrary
from citations.sources.zotero import changed_items
from citations.zotero.items import zotero_record

SAME_ZOTERO_ITEM = "the same Zotero item ({key})"


@dataclass
class ZoteroSync:
    """What a sync did: the items fetched, the plan, and what applying it wrote."""

    fetched: int
    plan: ImportPlan
    result: importing.ApplyResult | None


def _zotero_key(item) -> str:
    return (item.values or {}).get("extra_fields", {}).get("zoterokey", "")


def _match_stored(plan: ImportPlan) -> None:
    """Items imported before update their reference; other duplicates are skipped."""
    keys = [key for item in plan.items if (key := _zotero_key(item))]
    stored = Reference.objects.filter(extra_fields__zoterokey__in=keys)
    by_key = {ref.extra_fields["zoterokey"]: ref for ref in stored.only("citekey", "extra_fields")}
    for item in plan.items:
        if (ref := by_key.get(_zotero_key(item))) is not None:
            item.mark_duplicate(ref.pk, ref.citekey, SAME_ZOTERO_ITEM.format(key=_zotero_key(item)))
        elif item.status == DUPLICATE:
            item.duplicate_of = None  # Same work from elsewhere: skipped, never overwritten.


def zotero_library_sync(*, library: ZoteroLibrary, dry_run: bool = False) -> ZoteroSync:
    """Import what changed in `library` since its last sync (`since=` its version)."""
    items = list(changed_items(library.items_path, since=library.version))
    version = max([library.version, *(int(item.get("version") or 0) for item in items)])
    with importing.serialised():
        plan = importing.plan(zotero_record(item) for item in items)
        _match_stored(plan)
        if dry_run:
            return ZoteroSync(len(items), plan, None)
        result = importing.apply(plan, on_duplicate=UPDATE, skip_invalid=True)
        if result.written:
            library.version, library.synced = version, timezone.now()
            library.save(update_fields=["version", "synced"])
    return ZoteroSync(len(items), plan, result)
