"""Importing references: plan, then apply.

The flow, one module per step:

1. `planner.plan(entries)` turns parsed entries (`bibtex.Reader.entries()`: records and
   parse problems, maybe a generator) into an `ImportPlan` (`plans`), a batch at a time,
   reading the database and writing nothing:
   - `mapping` maps each record to `Reference` field values; an entry whose values cannot
     be stored is **invalid** (with its line), unusual values are kept with a warning;
   - `duplicates` marks the entries that are a stored work or an earlier entry of the file
     (**duplicate**, of which and why): by DOI, PMID, a book's ISBN with a title that starts
     like the other, or title, year, first author and the same container details;
   - `citekeys` gives the other, **new**, entries their citekey: the imported one when free.
2. `applying.apply(plan)` writes the plan in one transaction, serialised with other imports
   by an advisory lock (`serialised`), or refuses it whole: invalid entries, duplicates that
   must fail, a conflict with a concurrent writer. The `writers` write the rows: COPY on
   PostgreSQL, `bulk_create` elsewhere, updates over stored duplicates; `people` finds or
   creates the authors and editors; every new reference gets its history row.
3. `report` words each entry of a plan as a line, for the command and the API, and gives a
   plan as plain data: the API's answer (`import_outcome_data`) and the admin preview's
   table (`plan_snapshot`), which a preview job keeps.

The services (`citations.services.reference_import_bibtex`) call `plan` and `apply` inside
`serialised()`, so that what was planned is what is written, with Python's cyclic garbage
collector paused (`collector`: an import makes no cycles, and collecting them cost 5-7 %).
"""

from citations.importing.applying import ApplyResult, apply, refusal, serialised
from citations.importing.collector import collector_paused
from citations.importing.planner import plan
from citations.importing.plans import (
    DUPLICATE,
    FAIL,
    INVALID,
    NEW,
    ON_DUPLICATE_CHOICES,
    SKIP,
    STATUSES,
    UPDATE,
    ImportPlan,
    PlanItem,
)
from citations.importing.report import import_outcome_data, plan_snapshot

__all__ = [
    "DUPLICATE",
    "FAIL",
    "INVALID",
    "NEW",
    "ON_DUPLICATE_CHOICES",
    "SKIP",
    "STATUSES",
    "UPDATE",
    "ApplyResult",
    "ImportPlan",
    "refusal",
    "PlanItem",
    "apply",
    "collector_paused",
    "import_outcome_data",
    "plan",
    "plan_snapshot",
    "serialised",
]
