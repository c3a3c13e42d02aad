"""Merging duplicates in the admin: "Possible duplicates" lists, and a merge that shows what
it will move before it moves anything (citations.merge does the work)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from citations.merge import MergeConflict
from config.admin_urls import admin_page_path

PICK_TWO = "Select exactly two records to merge."
MERGED = "Merged {loser} into {survivor}: moved {moved}."


class MergeAdminMixin:
    """Adds merge/ and duplicates/ pages and a "Merge" action to a ModelAdmin.

    Set `merge_service`, `merge_plan` (keyword arguments survivor and loser) and
    `duplicate_groups` (no arguments) as static methods.
    """

    merge_service = merge_plan = duplicate_groups = None

    def get_urls(self):
        return [
            admin_page_path(self, "merge/", self.merge_view, "merge"),
            admin_page_path(self, "duplicates/", self.duplicates_view, "duplicates"),
            *super().get_urls(),
        ]

    def merge_url(self, *records) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_merge"
        return f"{reverse(name)}?{urlencode({'ids': ','.join(str(r.pk) for r in records)})}"

    @admin.action(description="Merge the two selected (preview first)", permissions=["change"])
    def merge_selected(self, request, queryset):
        records = list(queryset.order_by("pk")[:3])
        if len(records) != 2:
            self.message_user(request, PICK_TWO, messages.ERROR)
            return None
        return redirect(self.merge_url(*records))

    def merge_view(self, request):
        """GET: the two records, which one stays, and what would move. POST: merge."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = (request.POST.get("ids") or request.GET.get("ids", "")).split(",")
        records = list(self.model._base_manager.filter(pk__in=[i for i in ids if i.isdigit()]))
        if len(records) != 2:
            self.message_user(request, PICK_TWO, messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        wanted = request.POST.get("survivor") or request.GET.get("survivor")
        survivor = next((r for r in records if str(r.pk) == wanted), records[0])
        loser = next(r for r in records if r.pk != survivor.pk)
        if request.method == "POST" and "confirm" in request.POST:
            return self._merge(request, survivor, loser)
        plan = type(self).merge_plan(survivor=survivor, loser=loser)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Merge {self.opts.verbose_name_plural}",
            "records": records,
            "survivor": survivor,
            "loser": loser,
            "plan": plan,
            "ids": ",".join(str(r.pk) for r in records),
        }
        return TemplateResponse(request, "admin/citations/merge.html", context)

    def _merge(self, request, survivor, loser):
        loser_name = str(loser)
        try:
            plan = type(self).merge_service(survivor=survivor, loser=loser, actor=request.user)
        except MergeConflict as conflict:
            return self._conflict(request, str(conflict))
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(self.merge_url(survivor, loser))
        done = MERGED.format(loser=loser_name, survivor=survivor, moved=plan.summary)
        self.message_user(request, done, messages.SUCCESS)
        info = self.opts.app_label, self.opts.model_name
        return redirect(reverse("admin:{}_{}_change".format(*info), args=[survivor.pk]))

    def _conflict(self, request, message: str):
        """409 Conflict: another merge (or a delete) took a record of this one meanwhile."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Not merged",
            "message": message,
        }
        template = "admin/citations/merge_conflict.html"
        return TemplateResponse(request, template, context, status=409)

    def duplicates_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        groups = [
            (why, rows, self.merge_url(*rows[:2]) if len(rows) >= 2 else "")
            for why, rows in type(self).duplicate_groups()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Possible duplicate {self.opts.verbose_name_plural}",
            "groups": groups,
            "can_merge": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/citations/duplicates.html", context)
