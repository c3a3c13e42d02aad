"""The vocabularies of claims (DESIGN names each value): TextChoices only, importable
without the models (claims.models re-exports them; a claim's `Status` is claims.access)."""

from django.db import models


class Population(models.TextChoices):
    HUMANS = "humans", "Humans"
    ANIMALS = "animals", "Animals"
    CELLS = "cells", "Cells"
    ANY = "any", "Any"


class Question(models.TextChoices):
    EFFECT = "effect", "Effect (causal or intervention claim)"
    PROGNOSTIC = "prognostic", "Prognostic factor (predicts risk; says nothing about cause)"
    ASSOCIATION = "association", "Association (old value: graded as an effect)"
    BACKGROUND = "background", "Background fact (not graded)"


class Scale(models.TextChoices):
    """How an effect is expressed: a difference (no effect at 0) or a ratio (no effect at 1)."""

    DIFFERENCE = "difference", "Difference (no effect at 0)"
    RATIO = "ratio", "Ratio (no effect at 1)"


class ClaimedDirection(models.TextChoices):
    """Which way the claim says the outcome moves: what a confidence interval is read against."""

    UNSPECIFIED = "unspecified", "Not specified"
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    EITHER = "either", 'Either way ("influences")'
    NONE = "none", "No effect (the claim says nothing changes)"


class ClaimCellSpecies(models.TextChoices):
    """The cells a cells claim speaks of (`any`: either); evidence.models.ItemCellSpecies is
    the cells a study used."""

    ANY = "any", "Any"
    HUMAN = "human", "Human cells"
    ANIMAL = "animal", "Animal cells"


class GradeLevel(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"
    INSUFFICIENT = "insufficient", "Insufficient"
    NOT_GRADED = "not_graded", "Not graded"


class Direction(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    CONTESTED = "contested", "Contested"
    CONTRADICTED = "contradicted", "Contradicted"
    NO_DIFFERENCE = "no_difference", "No difference shown"
    NONE = "none", "No testing evidence"


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "Contradicts"
    REFINES = "refines", "Refines"
    DEPENDS_ON = "depends_on", "Depends on"
    PART_OF = "part_of", "Part of"  # one outcome of a bundled statement


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DISCARDED = "discarded", "Discarded"
