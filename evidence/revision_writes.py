"""A revision's approval, written: the pending snapshot (evidence.revision_snapshots) onto the
live rows of the claim, its evidence items and its relations, and the claims at the other end
of a changed relation regraded (evidence.revisions `claim_revision_approve` runs these in its
transaction, its claims locked in key order)."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from citations.history import delete_with_history, save_with_history
from claims.models import Claim, ClaimRelation
from evidence.models import Evidence
from evidence.relations import regrade_ends
from evidence.revision_snapshots import dump, load, normalised

ITEM_GONE = "Evidence item {id} no longer exists; discard this revision and edit again."
RELATION_GONE = "Relation {id} no longer exists; discard this revision and edit again."


def write_claim(claim: Claim, values: dict, *, actor, reason: str) -> None:
    many = load(claim, Claim, values)
    claim.full_clean()
    save_with_history(claim, actor=actor, reason=reason)
    for name, keys in many.items():
        getattr(claim, name).set(keys)


def write_items(claim: Claim, items: list, *, actor, reason: str) -> None:
    """Delete the items the pending version dropped, then update and add the others."""
    live = {item.pk: item for item in Evidence.objects.filter(claim=claim)}
    kept = {values["id"] for values in items}
    for pk, item in live.items():
        if pk not in kept:
            delete_with_history(item, actor=actor, reason=reason)
    for values in items:
        if values["id"] is not None and values["id"] not in live:
            raise ValidationError(ITEM_GONE.format(id=values["id"]))
        item = live[values["id"]] if values["id"] is not None else Evidence(claim=claim)
        many = load(item, Evidence, values)
        item.full_clean()
        save_with_history(item, actor=actor, reason=reason)
        for name, keys in many.items():
            getattr(item, name).set(keys)


def write_relations(claim: Claim, relations: list) -> set:
    """Delete the relations the pending version dropped, then update and add the others;
    the ids of the claims at the other end of each relation that changed (before and after)."""
    live = {r.pk: r for r in ClaimRelation.objects.select_for_update().filter(from_claim=claim)}
    kept = {values["id"] for values in relations}
    ends = set()
    for pk, relation in live.items():
        if pk not in kept:
            ends.add(relation.to_claim_id)
            relation.delete()
    for values in relations:
        if values["id"] is not None and values["id"] not in live:
            raise ValidationError(RELATION_GONE.format(id=values["id"]))
        relation = live.get(values["id"]) or ClaimRelation(from_claim=claim)
        if relation.pk is not None:
            if {"id": relation.pk, **normalised(dump(relation, ClaimRelation))} == values:
                continue  # unchanged
            ends.add(relation.to_claim_id)  # the end it leaves, if it moves
        load(relation, ClaimRelation, values)
        relation.full_clean()
        relation.save()
        ends.add(relation.to_claim_id)
    return ends


def regrade_changed_ends(ends: set, *, actor, reason: str) -> None:
    """Regrade the claims at the other end of changed relations (a `part_of` decides whether
    the whole is graded) and move their page version (their pages list related claims)."""
    regrade_ends(ends, actor=actor, reason=reason)
    Claim.objects.filter(pk__in=ends).update(updated=timezone.now())
