"""Relations between claims ("this claim is part of / refines ... that one"), written.

A relation belongs to its `from_claim`, and stays with it (the admin and the API never move it
to another claim). A change to a relation of a public claim is staged as that claim's pending
revision (evidence.revisions: `RelationChange`), and written only when another curator approves
it; a draft's relations are written here at once. Either way the claims at both ends are
regraded when it is written: a `part_of` relation decides whether the whole is graded at all
(grade-3, step 0).

A public whole counts only its public parts (claims.access `counts_for`, evidence.facts): a
draft made part of a published claim changes nothing readers see. When the part is published
(or stops being public) the whole is regraded then, as part of that reviewed step
(`status_change_regrade`, called by claims.services).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.access import PUBLIC_STATUSES, is_public
from claims.models import Claim, ClaimRelation, RelationKind
from evidence.locks import claims_lock
from evidence.services import claim_regrade, claims_regrade

RELATIONS_CHANGED = "regraded: its relations changed"
STATUS_CHANGED = "regraded: {slug} was {reason}"  # "regraded: bmd-spine was published"


def relation_ends(relation: ClaimRelation) -> set:
    """The claims at both ends of `relation`, as stored and as given."""
    stored = ClaimRelation.objects.filter(pk=relation.pk).values_list("from_claim", "to_claim")
    given = {relation.from_claim_id, relation.to_claim_id}
    return ({pk for pair in stored for pk in pair} | given) - {None}


@transaction.atomic
def relation_save(*, relation: ClaimRelation, actor) -> ClaimRelation:
    """Write a relation of a draft (validated) and regrade the claims at both ends, old and
    new, locked first in key order (evidence.locks: the regrade locks them, and the relation's
    foreign keys lock them when the transaction commits)."""
    ends = relation_ends(relation)
    claims_lock(ends)
    relation.full_clean()
    relation.save()
    regrade_ends(ends | relation_ends(relation), actor=actor)
    return relation


@transaction.atomic
def relation_delete(*, relation: ClaimRelation, actor) -> None:
    """Delete a relation of a draft and regrade the claims at both ends, locked first in key
    order (evidence.locks)."""
    ends = relation_ends(relation)
    claims_lock(ends)
    relation.delete()
    regrade_ends(ends, actor=actor)


def regrade_ends(claim_ids: set, *, actor, reason: str = RELATIONS_CHANGED) -> None:
    if claim_ids:
        claims = Claim.objects.filter(pk__in=claim_ids)
        claims_regrade(claims=claims, actor=actor, reason=reason)


@transaction.atomic
def status_change_regrade(*, claim: Claim, was: str, actor, reason: str) -> None:
    """`claim` (locked, saved) has just moved from status `was` to `claim.status`, for
    `reason` ("published"). When it became public or stopped being public, regrade it (a public
    claim counts its public parts only) and the wholes it is part of (they count it only while
    it is public). When readers see the change (it was or is public), move the page version of
    the public claims related to it: their pages list it, with its badge."""
    now_public = claim.status in PUBLIC_STATUSES
    if (was in PUBLIC_STATUSES) != now_public:
        because = STATUS_CHANGED.format(slug=claim.slug, reason=reason)
        claim_regrade(claim=claim, actor=actor, reason=because)
        wholes = ClaimRelation.objects.filter(from_claim=claim, kind=RelationKind.PART_OF)
        regrade_ends(set(wholes.values_list("to_claim_id", flat=True)), actor=actor, reason=because)
    if was in PUBLIC_STATUSES or now_public:
        related = Q(relations_from__to_claim=claim) | Q(relations_to__from_claim=claim)
        neighbours = Claim.objects.filter(related).filter(is_public()).exclude(pk=claim.pk)
        Claim.objects.filter(pk__in=neighbours.values("pk")).update(updated=timezone.now())
