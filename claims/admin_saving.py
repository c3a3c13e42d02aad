"""A claim's admin form, saved against the claim as locked.

The claim admin reads the claim (`get_object`) before it locks anything. Another curator can
publish it meanwhile: a save that decided from that first reading wrote a now public claim
live, past four eyes (evidence.revisions), and its full `save()` wrote the status, dates and
grade it had read back over the publish. So the save locks first, for a new claim as for a
stored one (the add view and "Save as new" write inline rows too): the references the
evidence rows cite or pool, FOR KEY SHARE (evidence.services `share_references`), then the
claim, the claims related to it and those the relation rows relate to, in key order
(evidence.locks). It then reads again, from the locked row, every field the form does not own
(the workflow's, the grade's), so whether it stages is decided from the stored status, and a
live save writes the form's fields only.
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


def form_fields(form) -> list[str]:
    """The claim's columns the form writes (and `updated`, which every save moves)."""
    owned = [f.name for f in Claim._meta.concrete_fields if f.name in form.fields]
    return [*owned, "updated"]
