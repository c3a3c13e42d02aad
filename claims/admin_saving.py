"""A claim's admin form, saved against the claim as locked.

The claim admin reads the claim (`get_object`) before it locks anything. Another curator can
publish it meanwhile: a save that decided from that first reading wrote a now public claim
live, past four eyes (evidence.revisions), and its full `save()` wrote the status, dates and
grade it had read back over the publish. So the save locks first, for a new claim as for a
stored one (the add view and "Save as new" write inline rows too): the references the
evidence rows cite or pool, FOR KEY SHARE (evidence.services `share_references`), then the
claim, the claims related to it and those the relation rows relate to, in key order
(evidence.locks). It then reads again, from the locked row, every field the curator did not
change in the form, so whether it stages is decided from the stored status, and a live save
(and its history row) holds the stored values plus the curator's real edits. A field merely
present in the form was read before the lock: writing it back undid another curator's step
in between (an override set, a publish's `reviewed_at` and `curator`) and blamed this one.
The override's two fields are never written here: `claim_override_grade` owns them (rules,
history), and the claim admin calls it for a changed override.
"""

from claims.admin_posted import inline_references, inline_relation_ends, validated_formsets
from claims.models import Claim
from evidence.locks import claims_lock_with_related
from evidence.services import share_references


def claim_lock_for_save(request, obj: Claim, form, change: bool) -> None:
    """Lock what saving the claim form writes (as the module says); a stored claim's fields
    the form does not own are then read again from its locked row."""
    formsets = validated_formsets(request)
    share_references(inline_references(formsets))
    claims_lock_with_related([obj.pk] if change else [], also=inline_relation_ends(formsets))
    if change:
        stored = Claim.objects.get(pk=obj.pk)
        for field in Claim._meta.concrete_fields:
            if field.name not in form_fields(form):
                setattr(obj, field.attname, getattr(stored, field.attname))


# Written by claims.services `claim_override_grade`, never by the form's save.
OVERRIDE_FIELDS = frozenset({"grade_override", "override_rationale"})


def form_fields(form) -> list[str]:
    """The claim's columns the form's save writes: those the curator changed, but the
    override (OVERRIDE_FIELDS), and `updated`, which every save moves."""
    changed = set(form.changed_data) - OVERRIDE_FIELDS
    edited = [f.name for f in Claim._meta.concrete_fields if f.name in changed]
    return [*edited, "updated"]
