"""What the admin says and logs after a write staged in a claim's pending revision (one home
for the evidence admin and the claim-relation admin).

A staged row was not written: no "added" or "deleted" log entry, no "deleted successfully",
and the curator goes back to the claim's page, where the pending revision shows. A model
admin using `StagedWritesAdmin` names the claim a row's writes stage on (`staged_on`), reads
the rows a bulk deletion writes after their claims are locked (`rows_locked`, evidence.locks)
and calls `mark_staged` when it stages one.

Django's bulk deletion (`delete_selected`) logs the deletions before it deletes, with no
transaction of its own: here it runs in one, so a deletion that gives up (the rows kept moving
while they were locked: LOCKS_KEPT_MOVING) leaves no log entry and no row changed, and the
curator reads why instead of a server error (so in the delete view, in its own transaction).
Whether a row's deletion is logged is read from the locked rows: a claim published before the
lock has its rows' deletion staged.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import QuerySet
from django.shortcuts import redirect

from evidence.revisions import is_staged

ALREADY_DELETED = "“{obj}” had already been deleted by someone else."
# Django's "Successfully deleted N …" after a bulk deletion that staged some of its rows.
BULK_STAGED = (
    "Deleted {deleted} of the {total} selected; the deletion of the other {staged}, of public "
    "claims, is staged in their claims' pending revisions for another curator to approve."
)
# ... and after one that found some of its rows deleted by someone else meanwhile.
BULK_GONE = (
    "Deleted {deleted} of the {total} selected; {gone} had already been deleted by someone else."
)
GONE_TOO = " {gone} had already been deleted by someone else."


class StagedWritesAdmin:
    actions = ["delete_selected"]

    def staged_on(self, obj):
        """The claim whose revision a write to `obj` would go to."""
        raise NotImplementedError

    def rows_locked(self, queryset) -> list:
        """The rows of `queryset`, read after the claims their writes lock are locked."""
        raise NotImplementedError

    def row_locked(self, request, obj):
        """`obj` as stored once its claims are locked (`rows_locked`), or None (with the
        curator's message) when it was deleted meanwhile. The delete view read `obj` before
        anything was locked: it may have moved to another claim since, whose grade a deletion
        must then move, and whose lock it must take in key order."""
        locked = next(iter(self.rows_locked(self.model._default_manager.filter(pk=obj.pk))), None)
        if locked is None:
            self.message_user(request, ALREADY_DELETED.format(obj=obj), messages.WARNING)
        return locked

    def bulk_rows_locked(self, request, queryset) -> list:
        """`rows_locked` for a bulk deletion: how many are still there is what its message
        counts (rows someone else deleted since the confirmation page are not)."""
        rows = self.rows_locked(queryset)
        request._bulk_found = len(rows)
        return rows

    def mark_staged(self, request, obj, claim) -> None:
        obj._staged, request._staged_on_claim = True, claim.pk
        request._staged_rows = getattr(request, "_staged_rows", 0) + 1

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """Django's, but its bulk deletion's success message counts only the rows deleted,
        not those whose deletion was staged nor those someone else had deleted already."""
        total = getattr(request, "_bulk_deleting", None)
        if total is not None and level == messages.SUCCESS:
            message = self._bulk_message(request, total) or message
        super().message_user(request, message, level, *args, **kwargs)

    @staticmethod
    def _bulk_message(request, total: int) -> str:
        """The bulk deletion's count when Django's would be wrong; "" when it is right."""
        staged = getattr(request, "_staged_rows", 0)
        found = getattr(request, "_bulk_found", total)
        deleted, gone = found - staged, total - found
        if staged:
            said = BULK_STAGED.format(deleted=deleted, total=total, staged=staged)
            return said + (GONE_TOO.format(gone=gone) if gone else "")
        return BULK_GONE.format(deleted=deleted, total=total, gone=gone) if gone else ""

    @admin.action(
        permissions=django_delete_selected.allowed_permissions,
        description=django_delete_selected.short_description,
    )
    def delete_selected(self, request, queryset):
        """Django's bulk deletion, in one transaction; a refusal is the curator's message."""
        request._bulk_deleting = len(queryset)  # what Django's success message counts
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return django_delete_selected(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        finally:
            del request._bulk_deleting

    def delete_view(self, request, object_id, extra_context=None):
        """Django's (in its transaction); a refusal is the curator's message, not an error."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def log_addition(self, request, obj, message):
        if not getattr(obj, "_staged", False):  # a staged row has no row (yet)
            super().log_addition(request, obj, message)

    def log_deletions(self, request, queryset):
        # A staged deletion deletes nothing yet: log only the rows of drafts, as locked. (The
        # delete view passes its one row in a list, in its transaction too.)
        if not isinstance(queryset, QuerySet):
            queryset = self.model._default_manager.filter(pk__in=[obj.pk for obj in queryset])
        kept = [obj for obj in self.rows_locked(queryset) if not is_staged(self.staged_on(obj))]
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
