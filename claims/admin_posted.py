"""What a claim's change form writes through its inline rows, read before the form saves
anything: the claims its relation rows relate to and the references its evidence rows cite or
pool. The save locks them first, in their order (evidence.locks), though save_related writes
them later.

They are read from the inline formsets as Django validated them, not from the posted data:
the change view validates every formset before it calls save_model (ModelAdmin
changeform_view) but hands them to save_related only, so `InlineFormsetsKept` keeps them on
the request. Their cleaned data hold the keys Django writes and no other: the rows it counts
(a TOTAL_FORMS of "+2" is 2; up to the formset's absolute_max, past its max_num), each key as
its field parsed it ("٧" is 7; five thousand digits are an error, not a key). A reading of
the posted data by hand missed some of those and raised on the last.
"""

from django.db.models import Model

from claims.models import ClaimRelation
from evidence.models import Evidence

KEPT = "claim_inline_formsets"  # the request attribute holding the validated formsets


class InlineFormsetsKept:
    """A model admin mixin: the change view's inline formsets, kept on the request for
    save_model (`validated_formsets`)."""

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        setattr(request, KEPT, formsets)
        return formsets, inline_instances


def validated_formsets(request) -> list:
    """The inline formsets of this request's change form; none where the form has no
    inlines (a changelist's editable rows)."""
    return getattr(request, KEPT, [])


def inline_references(formsets) -> set[int]:
    """The references the evidence rows to be saved cite (`reference`) or pool (`covers`)."""
    return inline_keys(formsets, Evidence, "reference") | inline_keys(formsets, Evidence, "covers")


def inline_relation_ends(formsets) -> set[int]:
    """The claims the relation rows to be saved relate to (`to_claim`)."""
    return inline_keys(formsets, ClaimRelation, "to_claim")


def inline_keys(formsets, model, field: str) -> set[int]:
    """The keys the rows of the `model` formsets give `field` (a row marked for deletion
    saves none): a foreign key's one, a many-to-many field's each."""
    keys = set()
    for formset in formsets:
        if formset.model is not model:
            continue
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("DELETE"):
                keys |= _keys(data.get(field))
    return keys


def _keys(value) -> set[int]:
    """A cleaned value's keys: a row's, a key's own (a view-only row's initial data), each
    of a collection's."""
    if value is None or isinstance(value, str):
        return set()
    if isinstance(value, Model):
        return {value.pk}
    if isinstance(value, int):
        return {value}
    return {key for each in value for key in _keys(each)}
