"""Applying a plan: all of it in one transaction, or nothing.

Nothing is written when any entry is invalid (unless `skip_invalid`), or when a duplicate
is found with `on_duplicate="fail"`. Imports are serialised (`serialised()`: a PostgreSQL
advisory lock held to the end of the write transaction), and the services plan inside it,
so two imports of overlapping files see each other's references as duplicates. A write
that still meets a concurrent change (a unique DOI, citekey or name taken meanwhile by
another writer) is refused as a conflict; any other refusal of the database is reported
with its first line, and the transaction leaves nothing half-written.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from citations.importing.aliases import held_keys, write_aliases
from citations.importing.people import People
from citations.importing.plans import DUPLICATE, FAIL, INVALID, NEW, SKIP, ImportPlan, PlanItem
from citations.importing.writers import CopyWriter, Progress, UpdateWriter

REFUSED_INVALID = "Nothing was imported: {count} entr{ies} invalid. Fix them or skip invalid ones."
WRITE_FAILED = "Nothing was imported: the database refused the data ({error})."
REFUSED_DUPLICATE = "Nothing was imported: {count} duplicate(s) found and duplicates must fail."
CONFLICT = "Nothing was imported: another import changed these entries at the same time; retry."
# The key of the advisory lock that serialises imports ("bib" in ASCII).
IMPORT_LOCK = 0x626962


@dataclass
class ApplyResult:
    written: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    aliases: int = 0  # Keys of duplicates kept as aliases of their record (`aliases`).
    refused: str = ""
    conflict: bool = False  # Refused because a concurrent write changed the same entries.


@contextmanager
def serialised():
    """A transaction in which no other import writes: PostgreSQL's transaction-scoped
    advisory lock (re-entrant, released at commit or rollback)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        yield


def refusal(plan: ImportPlan, on_duplicate: str, skip_invalid: bool) -> str:
    """Why applying `plan` with these options would write nothing; "" when it would write."""
    invalid = len(plan.with_status(INVALID))
    if invalid and not skip_invalid:
        return REFUSED_INVALID.format(count=invalid, ies="y is" if invalid == 1 else "ies are")
    duplicates = len(plan.with_status(DUPLICATE))
    if duplicates and on_duplicate == FAIL:
        return REFUSED_DUPLICATE.format(count=duplicates)
    return ""


def _first_line(error: Exception) -> str:
    messages = getattr(error, "messages", None)
    text = "; ".join(messages) if messages else str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _write(new: list[PlanItem], updates: list[PlanItem], *, progress, user) -> None:
    """New references (with COPY), then the updates."""
    people = People()
    if new:
        CopyWriter(people, user=user, progress=progress).write(new)
    if updates:
        UpdateWriter(people).write(updates)


def apply(
    plan: ImportPlan,
    *,
    on_duplicate: str = SKIP,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    user=None,
) -> ApplyResult:
    """Write a plan in one transaction; nothing at all when it must be refused.

    `user` (optional) is recorded as the author of the history rows of new references.
    """
    if refused := refusal(plan, on_duplicate, skip_invalid):
        return ApplyResult(written=False, refused=refused)
    new, updates = plan.with_status(NEW), plan.updates(on_duplicate)
    try:
        with serialised():
            held = held_keys(plan.items)
            _write(new, updates, progress=progress, user=user)
            aliases = write_aliases(plan.items, held)
    except IntegrityError:
        # A unique value taken since the plan was made: nothing is written; a retry plans
        # against what the other writer stored.
        return ApplyResult(written=False, refused=CONFLICT, conflict=True)
    except (ValidationError, DatabaseError) as exc:
        # The transaction is rolled back: nothing is half-written, and the reason is shown.
        return ApplyResult(written=False, refused=WRITE_FAILED.format(error=_first_line(exc)))
    skipped = len(plan.with_status(DUPLICATE)) - len(updates)
    return ApplyResult(
        written=True, created=len(new), updated=len(updates), skipped=skipped, aliases=aliases
    )
