"""Relations between claims in the admin, on their own page (they are also inline on each
claim's page). A relation stays with the claim it relates from; a change to one of a public
claim is staged as that claim's pending revision (evidence.revisions), a draft's is written at
once (evidence.relations)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from claims.models import Claim, ClaimRelation
from evidence.admin_staging import StagedWritesAdmin
from evidence.locks import rows_locked_with_claims
from evidence.relations import relation_delete, relation_save
from evidence.revisions import RelationChange, claim_revision_create, is_staged, staged_fields

STAGED_RELATION = (
    "Saved as a pending revision of its claim (the claim it relates from): readers see the"
    " published relations until a curator who wrote none of it approves it."
)


@admin.register(ClaimRelation)
class ClaimRelationAdmin(StagedWritesAdmin, admin.ModelAdmin):
    """Relations on their own (also inline on each claim). A relation stays with the claim it
    relates from; a change to one of a public claim is staged as that claim's pending
    revision (evidence.revisions), a draft's is written at once (evidence.relations)."""

    list_display = ["from_claim", "kind", "to_claim"]
    list_filter = ["kind"]
    list_select_related = ["from_claim", "to_claim"]
    search_fields = ["from_claim__statement", "to_claim__statement"]
    autocomplete_fields = ["from_claim", "to_claim"]

    def get_readonly_fields(self, request, obj=None):
        return ["from_claim"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        # The ends, stored and the form's, are locked (key order, one statement) before the
        # claim it relates from is read: one read before could be published meanwhile, and
        # the relation written live past four eyes (evidence.locks).
        ends = ["from_claim", "to_claim"]
        stored = ClaimRelation.objects.filter(pk=obj.pk)
        rows_locked_with_claims(stored, ends, also=[obj.from_claim_id, obj.to_claim_id])
        obj.from_claim = Claim.objects.get(pk=obj.from_claim_id)
        if not is_staged(obj.from_claim):
            relation_save(relation=obj, actor=request.user)
            return
        staged = {f.name for f in staged_fields(ClaimRelation)}
        names = form.changed_data if change else form.cleaned_data
        fields = {n: form.cleaned_data[n] for n in names if n in staged}
        self._stage(request, obj, RelationChange(id=obj.pk if change else None, fields=fields))

    def delete_model(self, request, obj):
        if (relation := self.row_locked(request, obj)) is not None:
            self._delete(request, relation)

    def _delete(self, request, obj) -> None:
        """Delete `obj` (read after its claims were locked), or stage its deletion."""
        if is_staged(obj.from_claim):
            self._stage(request, obj, RelationChange(id=obj.pk, remove=True))
        else:
            relation_delete(relation=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        """Delete (or stage the deletion of) each relation, in one transaction. Each locks its
        claims (a draft's relation both ends, a public claim's its claim): relation by
        relation, a later one's smaller keys would be locked after an earlier one's larger
        ones, so all are locked first, in key order, and the relations read after (a claim read
        before could have been published meanwhile, its relations since staged: evidence.locks)."""
        for relation in self.bulk_rows_locked(request, queryset):
            self._delete(request, relation)

    def rows_locked(self, queryset) -> list:
        fields = ["from_claim", "to_claim"]
        return rows_locked_with_claims(queryset.select_related("from_claim"), fields)

    def staged_on(self, obj):
        return obj.from_claim

    def _stage(self, request, obj, change: RelationChange) -> None:
        self.mark_staged(request, obj, obj.from_claim)
        try:
            claim_revision_create(claim=obj.from_claim, actor=request.user, relations=[change])
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, STAGED_RELATION, messages.WARNING)
