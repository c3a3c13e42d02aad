"""Claim row locks, always taken in key order.

A writer that writes several claims locks them all, in primary-key order, before it writes
any: a workflow step (its claim and the claims related to it, claims.services), a revision's
approval (its claim and the claims its relations reach, evidence.revisions), a draft's
relation (both its ends, evidence.relations), an evidence write (the claims it moves between,
evidence.services) and each batch of a regrade. Two such writers never wait for each other in
a circle. A writer that locked its own claim first and the others when it wrote them (a
regrade of a relation's ends; even inserting the relation, whose foreign keys lock both ends
FOR KEY SHARE) could hold its claim while waiting for one with a smaller key that a batch
regrade holds, the batch waiting for the writer's claim next: PostgreSQL then aborts one.
"""

from django.db.models import Q

from claims.models import Claim, ClaimRelation


def claims_lock(keys) -> list:
    """Lock the claims whose keys are `keys` (a collection, or a query of keys) for this
    transaction, in key order, in one statement; their keys. Claims this transaction already
    holds are no obstacle: locking them again waits for nobody."""
    rows = Claim.objects.filter(pk__in=keys).select_for_update().order_by("pk")
    return list(rows.values_list("pk", flat=True))


def claims_lock_with_related(keys, also=()) -> list:
    """Lock the claims `keys`, every claim related to one of them (either way) and the claims
    `also` (not theirs: say, the ends of relations about to be added), in key order; their
    keys."""
    related = ClaimRelation.objects.filter(Q(from_claim__in=keys) | Q(to_claim__in=keys))
    ends = Q(pk__in=related.values("from_claim")) | Q(pk__in=related.values("to_claim"))
    wanted = Q(pk__in=[*keys, *also]) | ends
    return claims_lock(Claim.objects.filter(wanted).values("pk"))
