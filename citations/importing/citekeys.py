"""Citekeys during an import: each new entry keeps its key when it is usable and free
(neither stored nor given to an earlier entry, in any letter case); otherwise it gets the
citekey rule's key (`citations.citekeys`, the pure rule) with a collision suffix, and the
key it had is kept as `original_key`. Stored keys are looked up a batch at a time.
"""

import re
from collections.abc import Iterable

from citations import citekeys
from citations.batches import batched
from citations.bibtex.render import SAFE_KEY
from citations.importing.plans import BATCH, PlanItem
from citations.membership import matching, through_btrees
from citations.models import Reference

# A key BibTeX and biblatex read (what exports may write, `bibtex.render.SAFE_KEY`).
BIBTEX_KEY = SAFE_KEY
# Suffixed keys are looked up with one regular expression per this many bases.
REGEX_BASES = 200


def _base_key(item: PlanItem) -> str:
    family = item.authors[0].family if item.authors else ""
    return citekeys.base_key(family, item.values.get("year"), item.values.get("title", ""))


def _wanted_key(item: PlanItem, taken: set[str]) -> str:
    """The imported key when usable and free, else the citekey rule's key."""
    if citekeys.is_usable(item.key) and item.key.lower() not in taken:
        return item.key
    return _base_key(item)


def _stored_keys(keys: Iterable[str]) -> set[str]:
    """The stored citekeys (lower-cased) among these keys, as written or in lower case.

    Exact matches use the unique index on citekey; generated keys are lower-case anyway.
    """
    taken: set[str] = set()
    variants = {variant for key in keys for variant in (key, key.lower())}
    if not variants:
        return taken
    with through_btrees():  # not the citekey's trigram index
        for chunk in batched(sorted(variants), BATCH):
            query = matching(Reference.objects, "citekey", chunk, opaque=True)
            taken.update(key.lower() for key in query.values_list("citekey", flat=True))
    return taken


def _suffixed_keys(bases: Iterable[str]) -> set[str]:
    """Stored citekeys that are one of these bases with a collision suffix."""
    taken: set[str] = set()
    for chunk in batched(sorted(set(bases)), REGEX_BASES):
        pattern = "^(" + "|".join(re.escape(key) for key in chunk) + ")[a-z]{1,3}$"
        rows = Reference.objects.filter(citekey__iregex=pattern).values_list("citekey", flat=True)
        taken.update(key.lower() for key in rows)
    return taken


def _wanted_keys(items: list[PlanItem], taken: set[str]) -> list[str]:
    """Each entry's wanted key, after adding the stored keys it could meet to `taken`."""
    taken |= _stored_keys(item.key for item in items if citekeys.is_usable(item.key))
    wanted = [_wanted_key(item, taken) for item in items]
    generated = [key for key, item in zip(wanted, items, strict=True) if key != item.key]
    taken |= _stored_keys(generated)
    taken |= _suffixed_keys(key for key in generated if key in taken)
    return wanted


def assign_citekeys(items: list[PlanItem], taken: set[str]) -> None:
    """The imported key when free; otherwise the citekey rule with a collision suffix.

    `taken` holds the lower-case keys already given (by earlier batches); it grows.
    """
    wanted = _wanted_keys(items, taken)
    for item, key in zip(items, wanted, strict=True):
        if key.lower() in taken:
            base = _base_key(item)
            if key == item.key:  # Rare: an earlier entry was given this key; look base up.
                taken |= _stored_keys([base]) | _suffixed_keys([base])
            key = citekeys.unique_key(base, taken)
        item.citekey = key
        taken.add(key.lower())
        if key != item.key:
            item.values["original_key"] = item.key[:200]
            _cite_original(item)


def _cite_original(item: PlanItem) -> None:
    """A key BibTeX reads but a citekey cannot be (`key?`, `Müller2001`) stays citable in
    exports: biblatex's `ids` names it beside the new citekey. A key another record holds
    is not added (two records answering one `\\cite`)."""
    if citekeys.is_usable(item.key) or not BIBTEX_KEY.match(item.key):
        return
    extra = item.values.setdefault("extra_fields", {})
    ids = [key.strip() for key in extra.get("ids", "").split(",") if key.strip()]
    if item.key not in ids:
        extra["ids"] = ", ".join([*ids, item.key])
