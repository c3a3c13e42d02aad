"""Claim row locks, always taken in key order.

A writer that writes several claims locks them all, in primary-key order, before it writes
any: a workflow step (its claim and the claims related to it, claims.services), a revision's
approval (its claim and the claims its relations reach, evidence.revisions), a draft's
relation (both its ends, evidence.relations), an evidence write (the claims it moves between,
evidence.services) and each batch of a regrade. Two such writers never wait for each other in
a circle. A writer that locked its own claim first and the others when it wrote them (a
regrade of a relation's ends) could hold its claim while waiting for one with a smaller key
that a batch regrade holds, the batch waiting for the writer's claim next: PostgreSQL then
aborts one.

A row's foreign keys lock nothing when it is inserted: Django makes them DEFERRABLE INITIALLY
DEFERRED, so each is checked when the transaction commits, and the check takes the row it
refers to FOR KEY SHARE then, after every lock the writer took (a FOR UPDATE that a batch
regrade holds makes it wait). So a relation's ends are locked here before it is inserted, and
the references an item cites before its claims (evidence.services `share_references`), as
saving a reference locks it before the claims citing it; a row locked is no obstacle to the
check of its own writer. (Writing an evidence item does lock its claim at once, FOR UPDATE in
key order: the trigger that moves its page version, claims migration 0009.)

Which claims a writer locks may depend on rows it reads (the claims of the items it deletes);
read before the lock, they can change before it is taken (an item moved to another claim, its
claim published meanwhile). Such a writer locks first, then reads what it writes, and when the
rows now need claims it did not lock, gives the locks back (a savepoint rolled back releases
them) and takes them all again, in order (`rows_locked_with_claims`); it gives up after a few
tries (LOCKS_KEPT_MOVING) rather than loop while another writer keeps moving them. The
admin's save of an item or a relation locks so too, with the claims its form names (`also`),
and only then reads whether its claim is public: the write is staged or live as of the lock.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
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


LOCK_TRIES = 3
LOCKS_KEPT_MOVING = "The rows this writes kept changing while they were being locked; try again."


@transaction.atomic
def rows_locked_with_claims(queryset, claim_fields, also=()) -> list:
    """The rows of `queryset`, read after the claims they refer to (their foreign keys
    `claim_fields`) are locked, with the claims `also` (a form's new values), in key order and
    one statement (as the module says). Raises ValidationError (LOCKS_KEPT_MOVING) when they
    still need other claims after LOCK_TRIES tries."""
    model_fields = [queryset.model._meta.get_field(name) for name in claim_fields]
    also = set(also) - {None}
    wanted = {key for keys in queryset.values_list(*claim_fields) for key in keys} | also
    wanted -= {None}
    for _ in range(LOCK_TRIES):
        savepoint = transaction.savepoint()
        claims_lock(wanted)
        rows = list(queryset.all())  # a new query: read after the lock
        needed = {getattr(row, field.attname) for row in rows for field in model_fields} | also
        if needed - {None} <= wanted:
            transaction.savepoint_commit(savepoint)
            return rows
        transaction.savepoint_rollback(savepoint)
        wanted = needed - {None}
    raise ValidationError(LOCKS_KEPT_MOVING)
