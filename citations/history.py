"""Writes that leave a django-simple-history record naming who made them and why.

Every save through a service names its actor (`history_user`) and what caused it
(`history_change_reason`, e.g. "marked verified"). The ground floor of the apps: claims and
evidence write their history through these too.
"""

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
