"""Planning an import: parsed entries -> an `ImportPlan`, reading the database, writing
nothing. Entries go through in batches: each record is mapped to field values (invalid
when they cannot be stored), checked for duplicates, and the new ones are given citekeys.
"""

from collections.abc import Iterable

from citations import citekeys
from citations.batches import batched
from citations.bibtex import ParseProblem
from citations.importing.citekeys import assign_citekeys
from citations.importing.duplicates import InFile, mark_duplicates
from citations.importing.mapping import record_values
from citations.importing.plans import BATCH, INVALID, NEW, ImportPlan, PlanItem
from citations.text.records import BibRecord


def _item(record: BibRecord) -> PlanItem:
    values, errors, warnings = record_values(record)
    return PlanItem(
        line=record.line or 0,
        key=record.key,
        status=INVALID if errors else NEW,
        messages=tuple(errors + warnings),
        values=values,
        authors=tuple(record.authors),
        editors=tuple(record.editors),
    )


def _problem_item(problem: ParseProblem) -> PlanItem:
    return PlanItem(problem.line, problem.key, INVALID, messages=(problem.message,))


def plan(entries: Iterable[BibRecord | ParseProblem], notes: Iterable[str] = ()) -> ImportPlan:
    """Decide what importing parsed entries would do; reads the database, writes nothing.

    `entries` may be a generator (`bibtex.Reader.entries()`): records are turned into plan
    items one by one, so a file's records and its plan are never in memory together.
    """
    items: list[PlanItem] = []
    in_file, taken = InFile(), citekeys.TakenKeys()
    planned = (_problem_item(e) if isinstance(e, ParseProblem) else _item(e) for e in entries)
    for batch in batched(planned, BATCH):
        _plan_batch(batch, in_file, taken)
        items += batch
    items.sort(key=lambda item: item.line)
    return ImportPlan(items=items, notes=list(notes))


def _plan_batch(batch: list[PlanItem], in_file: InFile, taken: set[str]) -> None:
    """Duplicates and citekeys for one batch: a few queries per batch, whatever its size."""
    candidates = [item for item in batch if item.status == NEW]
    mark_duplicates(candidates, in_file)
    assign_citekeys([item for item in candidates if item.status == NEW], taken)
