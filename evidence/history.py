"""Who changed what, and why: writes that leave a django-simple-history record, and a claim's
grade history read back from those records.

Every save through a service names its actor (`history_user`) and what caused it
(`history_change_reason`, e.g. "regraded after evidence change"). A claim's grade history is
the subsequence of its historical records where the computed level, the direction or the
curator's override changed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models


def save_with_history(obj: models.Model, *, actor=None, reason: str = "", **save_kwargs) -> None:
    """Save `obj`, recording `actor` (else the request's user) and `reason` in its history."""
    _mark(obj, actor=actor, reason=reason)
    try:
        obj.save(**save_kwargs)
    finally:
        _unmark(obj)


def delete_with_history(obj: models.Model, *, actor=None, reason: str = "") -> None:
    _mark(obj, actor=actor, reason=reason)
    try:
        obj.delete()
    finally:
        _unmark(obj)


def _mark(obj, *, actor, reason) -> None:
    # Without an actor, HistoryRequestMiddleware supplies the request's user (admin, API).
    if actor is not None:
        obj._history_user = actor
    obj._change_reason = reason or None


def _unmark(obj) -> None:
    # A later save of the same instance must not inherit this actor or reason.
    for name in ("_history_user", "_change_reason"):
        obj.__dict__.pop(name, None)


@dataclass(frozen=True)
class GradeChange:
    date: datetime
    level: str
    direction: str
    override: str
    user: str
    reason: str


def claim_grade_history(claim) -> list[GradeChange]:
    """The grade changes of `claim`, oldest first: date, level, direction, override, who, why."""
    rows = claim.history.select_related("history_user").order_by("history_date", "history_id")
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
