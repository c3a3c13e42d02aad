"""CHECK constraints the models of every app declare alike."""

from django.db import models
from django.db.models import Q


def choice_constraints(prefix: str, *, blank: bool = False, **fields) -> list:
    """One CHECK per choice field (`name=TextChoices`), named `<prefix>_<name>_valid`: the
    column holds one of its choice values, or "" too with `blank` (e.g. not graded yet)."""
    return [
        models.CheckConstraint(
            condition=(Q(**{name: ""}) | Q(**{f"{name}__in": choices.values}))
            if blank
            else Q(**{f"{name}__in": choices.values}),
            name=f"{prefix}_{name}_valid",
        )
        for name, choices in fields.items()
    ]
