"""A staged revision's snapshot: the whole pending version of a public claim as JSON (its
fields, its evidence items, its relations from it), the fields it stages, and the pure steps
on it: model values to JSON and back, a change applied to a row, the pending version checked
against the models' rules (evidence.revisions stages and approves them).

The staged fields are every editable concrete and many-to-many field of Claim, Evidence and
ClaimRelation but those in CLAIM_NOT_STAGED / EVIDENCE_NOT_STAGED / RELATION_NOT_STAGED (the
workflow, the computed grade, the grade override with its own permission and history,
timestamps, the owning claim), so a field added to any of them is staged without a change here.
"""

import copy
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder

from citations.models import Reference
from claims.models import Claim, ClaimRelation
from evidence.models import Evidence

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

UNKNOWN_ITEM = "Evidence item {id} is not part of this claim's pending version."
DUPLICATE_ITEM = "Two evidence items of the pending version cite {citekey} for the same outcome."
KEEPS_EVIDENCE = "A public claim keeps at least one evidence item."
NOT_STAGED = "These fields are not part of a revision: {names}."
UNKNOWN_RELATION = "Relation {id} is not part of this claim's pending version."
RELATION_TO_ITSELF = "A claim is not related to itself."
DUPLICATE_RELATION = "The pending version relates this claim to {slug} as {kind} twice."


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


def live_snapshot(claim: Claim) -> dict:
    """The claim, its evidence and its relations as stored now, in the revision's JSON shape."""
    items = Evidence.objects.filter(claim=claim).order_by("pk").prefetch_related("covers")
    evidence = [{"id": item.pk, **dump(item, Evidence)} for item in items]
    relations = [
        {"id": relation.pk, **dump(relation, ClaimRelation)}
        for relation in ClaimRelation.objects.filter(from_claim=claim).order_by("pk")
    ]
    snapshot = {"claim": dump(claim, Claim), "evidence": evidence, "relations": relations}
    return normalised(snapshot)


def pending_relations(snapshot: dict, live: dict) -> list:
    """The relations of a pending version; a revision staged before relations were (it has
    no "relations") leaves them as they are live."""
    return snapshot.get("relations", live["relations"])


def dump(obj, model) -> dict:
    values = {}
    for f in staged_fields(model):
        if f.many_to_many:
            values[f.name] = sorted(related.pk for related in getattr(obj, f.name).all())
        else:
            values[f.name] = getattr(obj, f.attname)
    return values


def dump_values(model, values: dict) -> dict:
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


def normalised(snapshot: dict) -> dict:
    """The snapshot as the JSON column gives it back (dates as text), so two compare equal."""
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def load(obj, model, values: dict) -> dict:
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


def apply_item(snapshot: dict, change: ItemChange, actor) -> None:
    _apply_row(snapshot["evidence"], change, Evidence(curator=actor), UNKNOWN_ITEM)


def apply_relation(relations: list, change: RelationChange) -> None:
    _apply_row(relations, change, ClaimRelation(), UNKNOWN_RELATION)


def _apply_row(rows: list, change: ItemChange, fresh, unknown: str) -> None:
    """Add, change or remove one row of a snapshot list; `fresh`: a new row's model instance
    (its defaults), `unknown`: the message for a row the pending version does not have."""
    model = type(fresh)
    if change.id is None:
        row = {"id": None, **dump_values(model, _defaults(fresh))}
        row.update(dump_values(model, change.fields))
        rows.append(row)
        return
    position = next((i for i, row in enumerate(rows) if row["id"] == change.id), None)
    if position is None:
        raise ValidationError(unknown.format(id=change.id))
    if change.remove:
        del rows[position]
    else:
        rows[position].update(dump_values(model, change.fields))


def _defaults(item) -> dict:
    """A new row's values (an Evidence or ClaimRelation) before the change sets any."""
    values = {}
    for f in staged_fields(type(item)):
        values[f.name] = [] if f.many_to_many else getattr(item, f.attname)
    return values


def validate(claim: Claim, snapshot: dict) -> None:
    """Raise ValidationError when the pending version breaks a rule of either model."""
    candidate = copy.copy(claim)
    load(candidate, Claim, snapshot["claim"])
    candidate.full_clean()
    if not snapshot["evidence"]:
        raise ValidationError(KEEPS_EVIDENCE)
    seen = set()
    for values in snapshot["evidence"]:
        item = Evidence(pk=values["id"], claim=claim)
        item._state.adding = values["id"] is None  # a stored item is not its own duplicate
        load(item, Evidence, values)
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
        load(relation, ClaimRelation, values)
        relation.full_clean(validate_unique=False, validate_constraints=False)
        if relation.to_claim_id == claim.pk:
            raise ValidationError({"to_claim": RELATION_TO_ITSELF})
        key = (relation.to_claim_id, relation.kind)
        if key in seen:
            slug = Claim.objects.filter(pk=relation.to_claim_id).values_list("slug").first()[0]
            kind = relation.get_kind_display().lower()
            raise ValidationError(DUPLICATE_RELATION.format(slug=slug, kind=kind))
        seen.add(key)
