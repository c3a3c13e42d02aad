"""Staged revisions: a change to a public claim waits for a second curator.

A claim readers can see (published or retracted, claims.access) is never edited in place. A
change to its fields, its topics, its evidence items (stance, effect, risk of bias, any field;
items added or removed) or its relations to other claims (those from it: "this claim is part of
/ refines ... that one"; added, changed or removed) becomes the claim's pending
`ClaimRevision`: a JSON snapshot of the whole pending version. Later changes add to the same
revision, and each curator who made one is among its `authors`. Readers, the API, exports and
the page cache keep reading the live rows, so they serve the last published version at no extra
cost. A curator who is none of the authors approves it: the snapshot is written onto the live
rows, the claim is regraded and its page version moves, all in one transaction; so are the
claims at the other end of every relation it changed (a `part_of` decides whether the whole is
graded at all). Discarding drops it.

The staged fields are every editable concrete and many-to-many field of Claim, Evidence and
ClaimRelation but those in CLAIM_NOT_STAGED / EVIDENCE_NOT_STAGED / RELATION_NOT_STAGED (the
workflow, the computed grade, the grade override with its own permission and history,
timestamps, the owning claim), so a field added to any of them is staged without a change here.

A relation belongs to its `from_claim` (the claim admin's relation inline): it is staged when
that claim is public. Drafts and claims in review are edited live as before: nobody reads them
yet. Review notes are not staged: readers never see them (only the admin shows them).
"""

import copy
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from citations.history import delete_with_history, save_with_history
from citations.models import Reference
from claims.access import PUBLIC_STATUSES
from claims.models import Claim, ClaimRelation, ClaimRevision, RelationKind, RevisionStatus
from evidence.locks import claims_lock
from evidence.models import Evidence
from evidence.relations import regrade_ends
from evidence.revision_diff import Change, snapshot_changes
from evidence.services import claim_regrade, share_references

CLAIM_NOT_STAGED = frozenset(
    {
        "id",
        "status",
        "submitted_by",
        "retraction_reason",
        "published_at",
        "grade_level",
        "grade_direction",
        "grade_reasons",
        "grade_rubric",
        "graded_at",
        "grade_override",
        "override_rationale",
        "created",
        "updated",
        "search_vector",
    }
)
EVIDENCE_NOT_STAGED = frozenset({"id", "claim", "created", "updated"})
RELATION_NOT_STAGED = frozenset({"id", "from_claim"})
NOT_STAGED_BY_MODEL = {
    Claim: CLAIM_NOT_STAGED,
    Evidence: EVIDENCE_NOT_STAGED,
    ClaimRelation: RELATION_NOT_STAGED,
}

NOT_PUBLIC = "Only a published or retracted claim has staged revisions; edit a draft directly."
NOT_PENDING = "This revision is no longer pending."
AUTHOR_CANNOT_APPROVE = "A revision is approved by a curator who did not write any of it."
UNKNOWN_ITEM = "Evidence item {id} is not part of this claim's pending version."
ITEM_GONE = "Evidence item {id} no longer exists; discard this revision and edit again."
DUPLICATE_ITEM = "Two evidence items of the pending version cite {citekey} for the same outcome."
KEEPS_EVIDENCE = "A public claim keeps at least one evidence item."
NOT_STAGED = "These fields are not part of a revision: {names}."
UNKNOWN_RELATION = "Relation {id} is not part of this claim's pending version."
RELATION_GONE = "Relation {id} no longer exists; discard this revision and edit again."
RELATION_TO_ITSELF = "A claim is not related to itself."
DUPLICATE_RELATION = "The pending version relates this claim to {slug} as {kind} twice."
APPROVED = "revision {number} approved (written by {authors})"


@dataclass(frozen=True)
class ItemChange:
    """A change to one evidence item: `id` None adds an item; `fields` by name (a relation as
    an instance or its key, `covers` as References or keys); `remove` drops the item."""

    id: int | None = None
    fields: dict = field(default_factory=dict)
    remove: bool = False


@dataclass(frozen=True)
class RelationChange(ItemChange):
    """A change to one relation from the claim: `id` None adds one; `fields` by name
    (`to_claim` as a Claim or its key, `kind`, `note`); `remove` drops it."""


def staged_fields(model) -> list:
    """The fields of `model` (Claim, Evidence or ClaimRelation) a revision carries."""
    excluded = NOT_STAGED_BY_MODEL[model]
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [f for f in fields if f.editable and f.name not in excluded]


def is_staged(claim: Claim) -> bool:
    """Whether a change to `claim` (as stored) becomes a revision instead of a live write."""
    return claim.status in PUBLIC_STATUSES


def pending_revision(claim: Claim) -> ClaimRevision | None:
    return claim.revisions.filter(status=RevisionStatus.PENDING).first()


def live_snapshot(claim: Claim) -> dict:
    """The claim, its evidence and its relations as stored now, in the revision's JSON shape."""
    items = Evidence.objects.filter(claim=claim).order_by("pk").prefetch_related("covers")
    evidence = [{"id": item.pk, **_dump(item, Evidence)} for item in items]
    relations = [
        {"id": relation.pk, **_dump(relation, ClaimRelation)}
        for relation in ClaimRelation.objects.filter(from_claim=claim).order_by("pk")
    ]
    snapshot = {"claim": _dump(claim, Claim), "evidence": evidence, "relations": relations}
    return _normalised(snapshot)


def pending_relations(snapshot: dict, live: dict) -> list:
    """The relations of a pending version; a revision staged before relations were (it has
    no "relations") leaves them as they are live."""
    return snapshot.get("relations", live["relations"])


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
    snapshot["claim"].update(_dump_values(Claim, fields or {}))
    for change in items:
        _apply_item(snapshot, change, actor)
    for change in relations:
        _apply_relation(snapshot["relations"], change)
    snapshot = _normalised(snapshot)
    _validate(locked, snapshot)
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
    items = revision.snapshot["evidence"]
    # The lock order of evidence writes: the references cited, then the claims (key order).
    share_references({pk for item in items for pk in [item["reference"], *item["covers"]]} - {None})
    _lock_claim_and_ends(revision.claim_id, revision.snapshot)
    claim = Claim.objects.get(pk=revision.claim_id)
    locked = _locked_pending(revision)
    if locked.snapshot != revision.snapshot:  # staged further since read: more ends, maybe
        _lock_claim_and_ends(revision.claim_id, locked.snapshot)
    authors = list(locked.authors.order_by("username"))
    if settings.LEDGER_FOUR_EYES and (actor is None or actor in authors):
        raise ValidationError(AUTHOR_CANNOT_APPROVE)
    names = ", ".join(author.get_username() for author in authors) or "nobody"
    reason = APPROVED.format(number=locked.pk, authors=names)
    _write_claim(claim, locked.snapshot["claim"], actor=actor, reason=reason)
    _write_items(claim, locked.snapshot["evidence"], actor=actor, reason=reason)
    claim_regrade(claim=claim, actor=actor, reason=reason)
    if "relations" in locked.snapshot:
        ends = _write_relations(claim, locked.snapshot["relations"])
        _regrade_ends(ends, actor=actor, reason=reason)
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


def _lock_claim_and_ends(claim_id: int, snapshot: dict) -> None:
    """Lock the claim and the claims at the other end of its relations, live and pending, in
    key order (evidence.locks): approving regrades those a changed relation reaches, and
    writing a relation locks both its ends."""
    live = ClaimRelation.objects.filter(from_claim=claim_id).values_list("to_claim", flat=True)
    pending = [relation["to_claim"] for relation in snapshot.get("relations", [])]
    claims_lock({claim_id, *live, *pending} - {None})


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


# --- snapshots: model values <-> JSON ------------------------------------------------------


def _dump(obj, model) -> dict:
    values = {}
    for f in staged_fields(model):
        if f.many_to_many:
            values[f.name] = sorted(related.pk for related in getattr(obj, f.name).all())
        else:
            values[f.name] = getattr(obj, f.attname)
    return values


def _dump_values(model, values: dict) -> dict:
    """`values` by field name, as a snapshot holds them; unknown names are refused."""
    by_name = {f.name: f for f in staged_fields(model)}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ValidationError(NOT_STAGED.format(names=", ".join(unknown)))
    dumped = {}
    for name, value in values.items():
        f = by_name[name]
        if f.many_to_many:
            dumped[name] = sorted(getattr(v, "pk", v) for v in value or [])
        elif f.is_relation:
            dumped[name] = getattr(value, "pk", value)
        else:
            dumped[name] = value
    return dumped


def _normalised(snapshot: dict) -> dict:
    """The snapshot as the JSON column gives it back (dates as text), so two compare equal."""
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def _load(obj, model, values: dict) -> dict:
    """Set the plain fields of `obj` from snapshot `values`; returns the many-to-many ones."""
    many = {}
    for f in staged_fields(model):
        if f.name not in values:
            continue
        value = values[f.name]
        if f.many_to_many:
            many[f.name] = value
        elif f.is_relation:
            setattr(obj, f.attname, value)
        else:
            setattr(obj, f.attname, f.to_python(value))
    return many


def _apply_item(snapshot: dict, change: ItemChange, actor) -> None:
    _apply_row(snapshot["evidence"], change, Evidence(curator=actor), UNKNOWN_ITEM)


def _apply_relation(relations: list, change: RelationChange) -> None:
    _apply_row(relations, change, ClaimRelation(), UNKNOWN_RELATION)


def _apply_row(rows: list, change: ItemChange, fresh, unknown: str) -> None:
    """Add, change or remove one row of a snapshot list; `fresh`: a new row's model instance
    (its defaults), `unknown`: the message for a row the pending version does not have."""
    model = type(fresh)
    if change.id is None:
        row = {"id": None, **_dump_values(model, _defaults(fresh))}
        row.update(_dump_values(model, change.fields))
        rows.append(row)
        return
    position = next((i for i, row in enumerate(rows) if row["id"] == change.id), None)
    if position is None:
        raise ValidationError(unknown.format(id=change.id))
    if change.remove:
        del rows[position]
    else:
        rows[position].update(_dump_values(model, change.fields))


def _defaults(item) -> dict:
    """A new row's values (an Evidence or ClaimRelation) before the change sets any."""
    values = {}
    for f in staged_fields(type(item)):
        values[f.name] = [] if f.many_to_many else getattr(item, f.attname)
    return values


def _validate(claim: Claim, snapshot: dict) -> None:
    """Raise ValidationError when the pending version breaks a rule of either model."""
    candidate = copy.copy(claim)
    _load(candidate, Claim, snapshot["claim"])
    candidate.full_clean()
    if not snapshot["evidence"]:
        raise ValidationError(KEEPS_EVIDENCE)
    seen = set()
    for values in snapshot["evidence"]:
        item = Evidence(pk=values["id"], claim=claim)
        item._state.adding = values["id"] is None  # a stored item is not its own duplicate
        _load(item, Evidence, values)
        item.full_clean(validate_unique=False)
        key = (item.reference_id, item.outcome)
        if key in seen:
            citekey = Reference.objects.filter(pk=item.reference_id).values_list("citekey")
            raise ValidationError(DUPLICATE_ITEM.format(citekey=citekey.first()[0]))
        seen.add(key)
    _validate_relations(claim, snapshot["relations"])


def _validate_relations(claim: Claim, relations: list) -> None:
    """Each relation valid on its own (the other claim exists, a known kind), none to the
    claim itself, no two alike (the model's constraints, checked on the pending version)."""
    seen = set()
    for values in relations:
        relation = ClaimRelation(pk=values["id"], from_claim=claim)
        _load(relation, ClaimRelation, values)
        relation.full_clean(validate_unique=False, validate_constraints=False)
        if relation.to_claim_id == claim.pk:
            raise ValidationError({"to_claim": RELATION_TO_ITSELF})
        key = (relation.to_claim_id, relation.kind)
        if key in seen:
            slug = Claim.objects.filter(pk=relation.to_claim_id).values_list("slug").first()[0]
            kind = relation.get_kind_display().lower()
            raise ValidationError(DUPLICATE_RELATION.format(slug=slug, kind=kind))
        seen.add(key)


# --- approval: the snapshot onto the live rows ---------------------------------------------


def _write_claim(claim: Claim, values: dict, *, actor, reason: str) -> None:
    many = _load(claim, Claim, values)
    claim.full_clean()
    save_with_history(claim, actor=actor, reason=reason)
    for name, keys in many.items():
        getattr(claim, name).set(keys)


def _write_items(claim: Claim, items: list, *, actor, reason: str) -> None:
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
        many = _load(item, Evidence, values)
        item.full_clean()
        save_with_history(item, actor=actor, reason=reason)
        for name, keys in many.items():
            getattr(item, name).set(keys)


def _write_relations(claim: Claim, relations: list) -> set:
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
            if {"id": relation.pk, **_normalised(_dump(relation, ClaimRelation))} == values:
                continue  # unchanged
            ends.add(relation.to_claim_id)  # the end it leaves, if it moves
        _load(relation, ClaimRelation, values)
        relation.full_clean()
        relation.save()
        ends.add(relation.to_claim_id)
    return ends


def _regrade_ends(ends: set, *, actor, reason: str) -> None:
    """Regrade the claims at the other end of changed relations (a `part_of` decides whether
    the whole is graded) and move their page version (their pages list related claims)."""
    regrade_ends(ends, actor=actor, reason=reason)
    Claim.objects.filter(pk__in=ends).update(updated=timezone.now())
