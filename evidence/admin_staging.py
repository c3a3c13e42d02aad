"""What the admin says and logs after a write staged in a claim's pending revision (one home
for the evidence admin and the claim-relation admin).

A staged row was not written: no "added" or "deleted" log entry, no "deleted successfully",
and the curator goes back to the claim's page, where the pending revision shows. A model
admin using `StagedWritesAdmin` names the claim a row's writes stage on (`staged_on`) and
calls `mark_staged` when it stages one.
"""

from django.shortcuts import redirect

from evidence.revisions import is_staged


class StagedWritesAdmin:
    def staged_on(self, obj):
        """The claim whose revision a write to `obj` would go to."""
        raise NotImplementedError

    def mark_staged(self, request, obj, claim) -> None:
        obj._staged, request._staged_on_claim = True, claim.pk

    def log_addition(self, request, obj, message):
        if not getattr(obj, "_staged", False):  # a staged row has no row (yet)
            super().log_addition(request, obj, message)

    def log_deletions(self, request, queryset):
        # A staged deletion deletes nothing yet: log only the rows of drafts.
        kept = [obj for obj in queryset if not is_staged(self.staged_on(obj))]
        return super().log_deletions(request, kept) if kept else []

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_claim(request) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._to_claim(request) or super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        return self._to_claim(request) or super().response_delete(request, obj_display, obj_id)

    def _to_claim(self, request):
        claim_pk = getattr(request, "_staged_on_claim", None)
        return redirect("admin:claims_claim_change", claim_pk) if claim_pk is not None else None
