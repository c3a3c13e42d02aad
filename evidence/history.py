"""Who changed what, and why: writes that leave a django-simple-history record, and a claim's
grade history read back from those records.

Every save through a service names its actor (`history_user`) and what caused it
(`history_change_reason`, e.g. "regraded after evidence change"). A claim's grade history is
the subsequence of its historical records where the computed level, the direction or the
curator's override changed.
"""

from dataclasses import dataclass
from datetime import datetime

from citations.history import delete_with_history, save_with_history  # noqa: F401 - re-exported


@dataclass(frozen=True)
class GradeChange:
    date: datetime
    level: str
    direction: str
    override: str
    user: str
    reason: str


def claim_history_rows(claim) -> list:
    """Every historical record of `claim`, oldest first, with who made it."""
    return list(claim.history.select_related("history_user").order_by("history_date", "history_id"))


def claim_grade_history(claim, rows=None) -> list[GradeChange]:
    """The grade changes of `claim`, oldest first: date, level, direction, override, who, why.
    `rows` are its records from `claim_history_rows` when the caller has read them already."""
    rows = claim_history_rows(claim) if rows is None else rows
    changes, last = [], ("", "", "")
    for row in rows:
        key = (row.grade_level, row.grade_direction, row.grade_override)
        if key != last:
            changes.append(_change(row))
            last = key
    return changes


def _change(row) -> GradeChange:
    return GradeChange(
        date=row.history_date,
        level=row.grade_level,
        direction=row.grade_direction,
        override=row.grade_override,
        user=row.history_user.get_username() if row.history_user else "",
        reason=row.history_change_reason or "",
    )
