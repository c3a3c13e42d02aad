"""What changed since the last published version of a claim, read from its history.

The last published version is the claim as it was when it was last published (reviewed): the
newest historical record where the status became published. Edits made after that are what
a reviewer has not seen. Each
field a curator writes that differs now is one `FieldChange`; text fields carry a word
diff (evidence.revision_diff.word_diff, shared with staged revisions) as (kind, text) runs.

A claim's grade history is the subsequence of its historical records where the computed
level, the direction or the curator's override changed (`claim_grade_history`).
"""

from dataclasses import dataclass
from datetime import datetime

from claims.models import Claim, Status
from evidence.revision_diff import word_diff

COMPARED_FIELDS = [
    "statement",
    "summary",
    "source_text",
    "population",
    "status",
    "grade_override",
    "override_rationale",
    "retraction_reason",
]
TEXT_FIELDS = {"statement", "summary", "source_text", "override_rationale", "retraction_reason"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    runs: tuple[tuple[str, str], ...] = ()


def last_published_version(claim: Claim, rows=None):
    """The historical record of `claim` at its last publication, or None. `rows`: its records
    oldest first, when the caller has read them already."""
    if rows is None:
        rows = claim.history.order_by("history_date", "history_id")
    published = None
    for row in rows:
        if row.status != Status.PUBLISHED:
            published = None
        elif published is None:
            published = row
    return published


def changes_since_published(claim: Claim, rows=None) -> list[FieldChange] | None:
    """Field-by-field changes from the last published version; None if never published."""
    published = last_published_version(claim, rows)
    if published is None:
        return None
    changes = []
    for name in COMPARED_FIELDS:
        before, after = getattr(published, name) or "", getattr(claim, name) or ""
        if before != after:
            label = Claim._meta.get_field(name).verbose_name.capitalize()
            runs = word_diff(before, after) if name in TEXT_FIELDS else ()
            changes.append(FieldChange(name, label, str(before), str(after), runs))
    return changes


@dataclass(frozen=True)
class GradeChange:
    date: datetime
    level: str
    direction: str
    override: str
    user: str
    reason: str


def claim_history_rows(claim: Claim) -> list:
    """Every historical record of `claim`, oldest first, with who made it."""
    return list(claim.history.select_related("history_user").order_by("history_date", "history_id"))


def claim_grade_history(claim: Claim, rows=None) -> list[GradeChange]:
    """The grade changes of `claim`, oldest first: date, level, direction, override, who, why.
    `rows` are its records from `claim_history_rows` when the caller has read them already."""
    rows = claim_history_rows(claim) if rows is None else rows
    changes, last = [], ("", "", "")
    for row in rows:
        key = (row.grade_level, row.grade_direction, row.grade_override)
        if key != last:
            changes.append(_grade_change(row))
            last = key
    return changes


def _grade_change(row) -> GradeChange:
    return GradeChange(
        date=row.history_date,
        level=row.grade_level,
        direction=row.grade_direction,
        override=row.grade_override,
        user=row.history_user.get_username() if row.history_user else "",
        reason=row.history_change_reason or "",
    )
