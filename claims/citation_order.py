"""A claim's citation order: the order its page cites its references, which numbered styles
(Vancouver, the page's own reference list) number them in.

The page lists evidence strongest design first, then newest reference (`evidence_key`), and
numbers each reference at its first use there; a claim's formatted export (`?format=text`)
follows the same order, so "3." on the page is "3." in the export. Pure: rows in, order out.
"""

from collections.abc import Iterable, Iterator

from citations.text.records import BibRecord
from evidence.models import Design

DESIGN_ORDER = list(Design.values)  # strongest designs first


def evidence_key(design: str, year: int | None) -> tuple[int, int]:
    """Where an evidence item stands on its claim's page: strongest design first, then newest
    reference (a stable sort keeps the items' own order, oldest first, among equals)."""
    rank = DESIGN_ORDER.index(design) if design in DESIGN_ORDER else len(DESIGN_ORDER)
    return (rank, -(year or 0))


def cited_order(items: Iterable[tuple[str, str, int | None]]) -> list[str]:
    """The citekeys of (citekey, design, year) evidence rows, in the items' own order, as
    the page numbers them: by `evidence_key`, each reference at its first use."""
    ordered = sorted(items, key=lambda item: evidence_key(item[1], item[2]))
    return list(dict.fromkeys(citekey for citekey, _design, _year in ordered))


def in_cited_order(records: Iterable[BibRecord], citekeys: list[str]) -> Iterator[BibRecord]:
    """`records` (one claim's, any order) in the order of `citekeys` (`cited_order`); one
    the order does not name (cited since it was read) last, in the order given."""
    place = {citekey: index for index, citekey in enumerate(citekeys)}
    yield from sorted(records, key=lambda record: place.get(record.key, len(place)))
