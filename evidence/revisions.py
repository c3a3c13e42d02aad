"""Staged revisions: a change to a public claim waits for a second curator.

A claim readers can see (published or retracted, claims.access) is never edited in place. A
change to its fields, its topics, its evidence items (stance, effect, risk of bias, any field;
items added or removed) or its relations to other claims (those from it: "this claim is part of
/ refines ... that one"; added, changed or removed) becomes the claim's pending
`ClaimRevision`: a JSON snapshot of the whole pending version (evidence.revision_snapshots).
Later changes add to the same revision, and each curator who made one is among its `authors`.
Readers, the API, exports and the page cache keep reading the live rows, so they serve the last
published version at no extra cost. A curator who is none of the authors approves it: the
snapshot is written onto the live rows (evidence.revision_writes), the claim is regraded and
its page version moves, all in one transaction; so are the claims at the other end of every
relation it changed (a `part_of` decides whether the whole is graded at all). Discarding drops
it.

A relation belongs to its `from_claim` (the claim admin's relation inline): it is staged when
that claim is public. Drafts and claims in review are edited live as before: nobody reads them
yet. Review notes are not staged: readers never see them (only the admin shows them).

The snapshot's names (`staged_fields`, `ItemChange`, `RelationChange`, `live_snapshot`, the
messages of an invalid pending version) are importable from here too, where callers find them.
"""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from citations.models import Reference
from claims.access import PUBLIC_STATUSES
from claims.models import Claim, ClaimRelation, ClaimRevision, RelationKind, RevisionStatus
from evidence.locks import LOCK_TRIES, LOCKS_KEPT_MOVING, claims_lock
from evidence.models import Evidence
from evidence.revision_diff import Change, snapshot_changes
from evidence.revision_snapshots import (
    CLAIM_NOT_STAGED,
    DUPLICATE_ITEM,
    DUPLICATE_RELATION,
    EVIDENCE_NOT_STAGED,
    KEEPS_EVIDENCE,
    NOT_STAGED,
    NOT_STAGED_BY_MODEL,
    RELATION_NOT_STAGED,
    RELATION_TO_ITSELF,
    UNKNOWN_ITEM,
    UNKNOWN_RELATION,
    ItemChange,
    RelationChange,
    apply_item,
    apply_relation,
    dump_values,
    live_snapshot,
    normalised,
    pending_relations,
    staged_fields,
    validate,
)
from evidence.revision_writes import (
    ITEM_GONE,
    RELATION_GONE,
    regrade_changed_ends,
    write_claim,
    write_items,
    write_relations,
)
from evidence.services import claim_regrade, share_references

__all__ = [
    "APPROVED",
    "AUTHOR_CANNOT_APPROVE",
    "CLAIM_NOT_STAGED",
    "DUPLICATE_ITEM",
    "DUPLICATE_RELATION",
    "EVIDENCE_NOT_STAGED",
    "ITEM_GONE",
    "ITEM_JOINS",
    "ITEM_STAYS",
    "KEEPS_EVIDENCE",
    "NOT_PENDING",
    "NOT_PUBLIC",
    "NOT_STAGED",
    "NOT_STAGED_BY_MODEL",
    "RELATION_GONE",
    "RELATION_NOT_STAGED",
    "RELATION_TO_ITSELF",
    "UNKNOWN_ITEM",
    "UNKNOWN_RELATION",
    "ItemChange",
    "RelationChange",
    "claim_revision_approve",
    "claim_revision_create",
    "claim_revision_discard",
    "is_staged",
    "live_snapshot",
    "move_refused",
    "pending_relations",
    "pending_revision",
    "revision_changes",
    "staged_fields",
]

NOT_PUBLIC = "Only a published or retracted claim has staged revisions; edit a draft directly."
NOT_PENDING = "This revision is no longer pending."
AUTHOR_CANNOT_APPROVE = "A revision is approved by a curator who did not write any of it."
APPROVED = "revision {number} approved (written by {authors})"


ITEM_STAYS = (
    "An evidence item of a public claim stays with its claim: remove it there (staged for "
    "review) and add it to the other claim."
)
ITEM_JOINS = (
    "This claim is public: new evidence joins it through a revision that another curator "
    "approves. Add the item to it (staged for review) instead of moving this one."
)


def is_staged(claim: Claim) -> bool:
    """Whether a change to `claim` (as stored) becomes a revision instead of a live write."""
    return claim.status in PUBLIC_STATUSES


def move_refused(stored: Claim, target: Claim) -> str:
    """Why an evidence item of claim `stored` may not move to claim `target` ("" if it may):
    a public claim's evidence changes only through its revisions, and a revision neither
    gives an item away nor takes one in (an item moved onto a public claim would be read
    there at once, past four eyes)."""
    if stored.pk == target.pk:
        return ""
    if is_staged(stored):
        return ITEM_STAYS
    return ITEM_JOINS if is_staged(target) else ""


def pending_revision(claim: Claim) -> ClaimRevision | None:
    return claim.revisions.filter(status=RevisionStatus.PENDING).first()


@transaction.atomic
def claim_revision_create(
    *, claim: Claim, actor, fields: dict | None = None, items=(), relations=()
) -> ClaimRevision | None:
    """Stage `fields` of the claim, `items` (ItemChange) and `relations` (RelationChange)
    into its pending revision, made when there is none; None when nothing would change.
    Raises ValidationError (by field) when the pending version would be invalid, and then
    stores nothing."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if not is_staged(locked):
        raise ValidationError(NOT_PUBLIC)
    revision = locked.revisions.select_for_update().filter(status=RevisionStatus.PENDING).first()
    live = live_snapshot(locked)
    snapshot = copy.deepcopy(revision.snapshot if revision else live)
    snapshot["relations"] = pending_relations(snapshot, live)
    snapshot["claim"].update(dump_values(Claim, fields or {}))
    for change in items:
        apply_item(snapshot, change, actor)
    for change in relations:
        apply_relation(snapshot["relations"], change)
    snapshot = normalised(snapshot)
    validate(locked, snapshot)
    if revision is None and snapshot == live:
        return None
    revision = revision or ClaimRevision(claim=locked)
    revision.snapshot = snapshot
    revision.save()
    if actor is not None:
        revision.authors.add(actor)
    return revision


@transaction.atomic
def claim_revision_approve(*, revision: ClaimRevision, actor) -> ClaimRevision:
    """Write the pending version onto the live rows, regrade, and record who approved it.
    Refused (nothing written) to its authors, unless four eyes is off (LEDGER_FOUR_EYES)."""
    locked = _locked_for_approval(revision)
    claim = Claim.objects.get(pk=revision.claim_id)
    authors = list(locked.authors.order_by("username"))
    if settings.LEDGER_FOUR_EYES and (actor is None or actor in authors):
        raise ValidationError(AUTHOR_CANNOT_APPROVE)
    names = ", ".join(author.get_username() for author in authors) or "nobody"
    reason = APPROVED.format(number=locked.pk, authors=names)
    write_claim(claim, locked.snapshot["claim"], actor=actor, reason=reason)
    write_items(claim, locked.snapshot["evidence"], actor=actor, reason=reason)
    claim_regrade(claim=claim, actor=actor, reason=reason)
    if "relations" in locked.snapshot:
        ends = write_relations(claim, locked.snapshot["relations"])
        regrade_changed_ends(ends, actor=actor, reason=reason)
    return _decide(revision, locked, RevisionStatus.APPROVED, actor)


@transaction.atomic
def claim_revision_discard(*, revision: ClaimRevision, actor) -> ClaimRevision:
    """Drop the pending version; the live claim stays as it is."""
    Claim.objects.select_for_update().get(pk=revision.claim_id)
    return _decide(revision, _locked_pending(revision), RevisionStatus.DISCARDED, actor)


def revision_changes(revision: ClaimRevision) -> list[Change]:
    """Live vs pending, field by field (evidence.revision_diff), as stored now."""
    if revision.status != RevisionStatus.PENDING:
        return []
    live = live_snapshot(revision.claim)
    pending = {**revision.snapshot, "relations": pending_relations(revision.snapshot, live)}
    cited = {item.get("reference") for item in [*live["evidence"], *pending["evidence"]]}
    names = dict(Reference.objects.filter(pk__in=cited - {None}).values_list("pk", "citekey"))
    related = {relation["to_claim"] for relation in [*live["relations"], *pending["relations"]]}
    slugs = dict(Claim.objects.filter(pk__in=related - {None}).values_list("pk", "slug"))
    return snapshot_changes(live, pending, labels=_labels(), names=names, claims=slugs)


def _labels() -> dict:
    labels = {
        f"{kind}.{f.name}": str(f.verbose_name).capitalize()
        for kind, model in (("claim", Claim), ("evidence", Evidence), ("relation", ClaimRelation))
        for f in staged_fields(model)
    }
    labels.update({f"relation.kind.{value}": label for value, label in RelationKind.choices})
    return labels


def _locked_for_approval(revision: ClaimRevision) -> ClaimRevision:
    """The pending revision, locked after every row its approval writes (evidence.locks):
    the references its items cite (FOR KEY SHARE, first: evidence.services share_references),
    then its claim and the claims at the other end of its relations, live and pending, in key
    order (approving regrades those a changed relation reaches), then the revision itself, as
    staging takes the claim before the revision. Which rows those are depends on the snapshot,
    read before its lock: when the version locked needs more (staged further meanwhile: a
    relation to one more claim, an item citing one more reference), the locks are given back
    (a savepoint rolled back releases them) and all taken again, in order, for that version.
    Locking the new ones on top would hold the claim while waiting for a smaller key, which a
    batch regrade may hold while it waits for the claim: a deadlock. After LOCK_TRIES tries,
    the approval gives up (ValidationError LOCKS_KEPT_MOVING; nothing written)."""
    snapshot = revision.snapshot
    for _ in range(LOCK_TRIES):
        references, claims = _approval_locks(revision.claim_id, snapshot)
        savepoint = transaction.savepoint()
        share_references(references)
        claims_lock(claims)
        locked = _locked_pending(revision)
        wanted_references, wanted_claims = _approval_locks(revision.claim_id, locked.snapshot)
        if wanted_references <= references and wanted_claims <= claims:
            transaction.savepoint_commit(savepoint)
            return locked
        transaction.savepoint_rollback(savepoint)
        snapshot = locked.snapshot
    raise ValidationError(LOCKS_KEPT_MOVING)


def _approval_locks(claim_id: int, snapshot: dict) -> tuple[set, set]:
    """The keys of the references an approval of `snapshot` cites and of the claims it
    writes: its own and those at the other end of its relations, live and pending."""
    items = snapshot["evidence"]
    references = {pk for item in items for pk in [item["reference"], *item["covers"]]}
    live = ClaimRelation.objects.filter(from_claim=claim_id).values_list("to_claim", flat=True)
    pending = [relation["to_claim"] for relation in snapshot.get("relations", [])]
    return references - {None}, {claim_id, *live, *pending} - {None}


def _locked_pending(revision: ClaimRevision) -> ClaimRevision:
    locked = ClaimRevision.objects.select_for_update().get(pk=revision.pk)
    if locked.status != RevisionStatus.PENDING:
        raise ValidationError(NOT_PENDING)
    return locked


def _decide(revision, locked, status: str, actor) -> ClaimRevision:
    locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at", "updated"])
    for name in ("status", "decided_by_id", "decided_at", "updated"):
        setattr(revision, name, getattr(locked, name))
    return revision
