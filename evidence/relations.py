"""Relations between claims ("this claim is part of / refines ... that one"), written.

A relation belongs to its `from_claim`, and stays with it (the admin and the API never move it
to another claim). A change to a relation of a public claim is staged as that claim's pending
revision (evidence.revisions: `RelationChange`), and written only when another curator approves
it; a draft's relations are written here at once. Either way the claims at both ends are
regraded when it is written: a `part_of` relation decides whether the whole is graded at all
(grade-3, step 0).
"""

from django.db import transaction

from claims.models import Claim, ClaimRelation
from evidence.services import claims_regrade

RELATIONS_CHANGED = "regraded: its relations changed"


def relation_ends(relation: ClaimRelation) -> set:
    """The claims at both ends of `relation`, as stored and as given."""
    stored = ClaimRelation.objects.filter(pk=relation.pk).values_list("from_claim", "to_claim")
    given = {relation.from_claim_id, relation.to_claim_id}
    return ({pk for pair in stored for pk in pair} | given) - {None}


@transaction.atomic
def relation_save(*, relation: ClaimRelation, actor) -> ClaimRelation:
    """Write a relation of a draft (validated) and regrade the claims at both ends."""
    ends = relation_ends(relation)
    relation.full_clean()
    relation.save()
    regrade_ends(ends | relation_ends(relation), actor=actor)
    return relation


@transaction.atomic
def relation_delete(*, relation: ClaimRelation, actor) -> None:
    """Delete a relation of a draft and regrade the claims at both ends."""
    ends = relation_ends(relation)
    relation.delete()
    regrade_ends(ends, actor=actor)


def regrade_ends(claim_ids: set, *, actor, reason: str = RELATIONS_CHANGED) -> None:
    if claim_ids:
        claims = Claim.objects.filter(pk__in=claim_ids)
        claims_regrade(claims=claims, actor=actor, reason=reason)
