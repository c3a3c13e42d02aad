"""Staged revisions in the claim admin (evidence.revisions).

Saving the change form of a public claim (its fields, topics, evidence inlines and relation
inline) stages the change as the claim's pending revision instead of writing it; review notes
still save at once (readers never see them). The page shows the pending revision (live vs
pending, word by word) with Approve and Discard buttons, and the history of every revision: who
wrote and who decided.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from claims.models import ClaimRelation, ClaimRevision, RevisionStatus
from config.admin_urls import admin_page_path
from evidence.models import Evidence
from evidence.revisions import (
    ItemChange,
    RelationChange,
    claim_revision_approve,
    claim_revision_create,
    claim_revision_discard,
    is_staged,
    revision_changes,
    staged_fields,
)

STAGED = (
    "Saved as a pending revision: readers see the published version until a curator who"
    " wrote none of it approves it."
)
NOTHING_STAGED = "Nothing to stage: the pending version is unchanged."
NO_PENDING_REVISION = "No pending revision."
NO_REVISIONS = "No revisions yet."
DECISIONS = {
    "approve": (claim_revision_approve, "publish", "Revision {number} approved."),
    "discard": (claim_revision_discard, "change", "Revision {number} discarded."),
}
TAGS = {"same": "{}", "removed": "<del>{}</del>", "added": "<ins>{}</ins>"}


STAGED_INLINES = {Evidence: ItemChange, ClaimRelation: RelationChange}


def row_changes(formset) -> list[ItemChange]:
    """What an evidence or relation inline formset changes: removed, changed and added rows
    (ItemChange or RelationChange)."""
    staged = {f.name for f in staged_fields(formset.model)}
    change_class = STAGED_INLINES[formset.model]
    changes = []
    for form in formset.forms:
        pk = form.instance.pk if form in formset.initial_forms else None
        if formset.can_delete and formset._should_delete_form(form):
            if pk is not None:
                changes.append(change_class(id=pk, remove=True))
        elif form.has_changed():
            names = form.changed_data if pk is not None else form.cleaned_data
            fields = {n: form.cleaned_data[n] for n in names if n in staged}
            changes.append(change_class(id=pk, fields=fields))
    return changes


class RevisionsMixin:
    """For ClaimAdmin: stage saves of public claims; show and decide their revisions."""

    def get_urls(self):
        route = "<path:object_id>/revisions/<int:number>/<slug:decision>/"
        return [admin_page_path(self, route, self.revision_view, "revision"), *super().get_urls()]

    @staticmethod
    def _revisions(obj) -> list:
        """The claim's revisions, newest first, read once for the buttons and both panels."""
        if obj is None or obj.pk is None:
            return []
        if not hasattr(obj, "_revisions"):
            revisions = obj.revisions.select_related("decided_by").prefetch_related("authors")
            obj._revisions = list(revisions)
        return obj._revisions

    def _pending(self, obj):
        return next((r for r in self._revisions(obj) if r.status == RevisionStatus.PENDING), None)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        pending = self._pending(obj)
        context["pending_revision"] = pending
        if pending is not None:
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_revision"
            context["revision_steps"] = [
                {"decision": key, "url": reverse(name, args=[obj.pk, pending.pk, key])}
                for key, (_, permission, _) in DECISIONS.items()
                if self._may_decide(request, permission)
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _may_decide(self, request, permission: str) -> bool:
        if permission == "change":
            return self.has_change_permission(request)
        return self.has_publish_permission(request)

    def revision_view(self, request, object_id, number, decision):
        """POST: approve or discard revision `number` of the claim, through its service."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None or decision not in DECISIONS:
            raise Http404
        service, permission, done = DECISIONS[decision]
        if not self._may_decide(request, permission):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        revision = get_object_or_404(ClaimRevision, claim=claim, pk=number)
        try:
            service(revision=revision, actor=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done.format(number=number), messages.SUCCESS)
        change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return redirect(reverse(change, args=[claim.pk]))

    def stages(self, obj, change: bool) -> bool:
        return change and is_staged(obj)

    def stage(self, request, form, formsets) -> None:
        """Stage the form's changed claim fields and the evidence and relation inlines'
        changes; other inlines (review notes) save at once."""
        staged = {f.name for f in staged_fields(type(form.instance))}
        fields = {n: form.cleaned_data[n] for n in form.changed_data if n in staged}
        items = [c for fs in formsets if fs.model is Evidence for c in row_changes(fs)]
        relations = [c for fs in formsets if fs.model is ClaimRelation for c in row_changes(fs)]
        for formset in formsets:
            if formset.model in STAGED_INLINES:  # what the admin's change message reads
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change=True)
        try:
            revision = claim_revision_create(
                claim=form.instance,
                actor=request.user,
                fields=fields,
                items=items,
                relations=relations,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, STAGED if revision else NOTHING_STAGED, messages.WARNING)

    @admin.display(description="Pending revision (live vs pending)")
    def pending_changes(self, obj):
        pending = self._pending(obj)
        if pending is None:
            return NO_PENDING_REVISION
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((c.label, c.live, self._diff(c)) for c in revision_changes(pending)),
        )
        authors = ", ".join(a.get_username() for a in pending.authors.all())
        return format_html(
            '<p>Revision {} by {}</p><table class="pending-revision"><thead><tr><th>Field</th>'
            "<th>Live</th><th>Pending</th></tr></thead><tbody>{}</tbody></table>",
            pending.pk,
            authors,
            rows,
        )

    @staticmethod
    def _diff(change):
        if not change.runs:
            return change.pending
        return format_html_join("", "{}", ((format_html(TAGS[k], t),) for k, t in change.runs))

    @admin.display(description="Revisions")
    def revision_history(self, obj):
        rows = [
            (
                revision.pk,
                revision.get_status_display(),
                ", ".join(a.get_username() for a in revision.authors.all()),
                revision.decided_by.get_username() if revision.decided_by else "",
                f"{revision.decided_at:%Y-%m-%d %H:%M}" if revision.decided_at else "",
            )
            for revision in self._revisions(obj)
        ]
        if not rows:
            return NO_REVISIONS
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html(
            '<table class="revision-history"><thead><tr><th>Revision</th><th>Status</th>'
            "<th>Written by</th><th>Approved or discarded by</th><th>When</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )
