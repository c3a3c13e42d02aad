"""Curation of references: contributors inline, identifiers, verification, BibTeX in and out."""

import base64

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from citations import duplicates, importer, merge, where_used
from citations.admin_history import HistoryAdmin
from citations.admin_merge import MergeAdminMixin
from citations.exports import bibtex_stream
from citations.forms import ReferenceAdminForm
from citations.models import Contributor, Person, Reference, Verification
from citations.services import (
    reference_import_bibtex,
    reference_import_plan,
    reference_number_contributors,
    reference_set_contributors,
)

# The writes that move or reweigh evidence regrade the claims citing it: evidence services.
from evidence.services import reference_merge_regrading, reference_set_verification

NO_BIBTEX_GIVEN = "Upload a .bib file or paste BibTeX text."
IMPORT_EXPIRED = "The preview has expired: upload the file again."
IMPORT_DONE = "Imported {created} reference(s), updated {updated}, skipped {skipped} duplicate(s)."
SESSION_KEY = "citations_bibtex_import"


def next_free(taken: set[tuple[str, int]], role: str) -> int:
    """The position after the last one `role` holds."""
    return max((position for r, position in taken if r == role), default=-1) + 1


class BibTeXImportForm(forms.Form):
    file = forms.FileField(required=False, label="BibTeX file")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 90}))
    on_duplicate = forms.ChoiceField(
        choices=[(c, c) for c in importer.ON_DUPLICATE_CHOICES], initial=importer.SKIP
    )
    skip_invalid = forms.BooleanField(required=False, help_text="Import the valid entries anyway.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("text", "").strip():
            raise forms.ValidationError(NO_BIBTEX_GIVEN)
        return cleaned

    def bibtex(self) -> bytes:
        upload = self.cleaned_data.get("file")
        return upload.read() if upload else self.cleaned_data["text"].encode("utf-8")


class ContributorInline(admin.TabularInline):
    """Contributors in order; positions number themselves (a new row goes last)."""

    model = Contributor
    extra = 1
    autocomplete_fields = ["person"]
    ordering = ["role", "position"]
    fields = ["person", "role", "number"]
    readonly_fields = ["number"]

    @admin.display(description="#")
    def number(self, obj):
        return obj.position + 1 if obj.pk else ""

    def get_queryset(self, request):
        # Each row's title (`Contributor.__str__`) names its person.
        return super().get_queryset(request).select_related("person")


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, HistoryAdmin):
    list_display = ["family", "given", "prefix", "suffix", "orcid", "reference_count"]
    search_fields = ["family", "given", "orcid"]
    list_filter = ["contributions__role"]
    readonly_fields = ["references"]
    actions = ["merge_selected"]
    change_list_template = "admin/citations/person/change_list.html"
    merge_service = staticmethod(merge.person_merge)
    merge_plan = staticmethod(merge.person_merge_plan)
    duplicate_groups = staticmethod(duplicates.person_duplicate_groups)

    @admin.display(description="References")
    def references(self, obj):
        return where_used.person_references(obj) if obj.pk else "-"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(reference_count=Count("contributions__reference", distinct=True))
        )

    @admin.display(description="References", ordering="reference_count")
    def reference_count(self, obj):
        return obj.reference_count


@admin.register(Reference)
class ReferenceAdmin(MergeAdminMixin, HistoryAdmin):
    list_display = [
        "citekey",
        "short_title",
        "container_title",
        "year",
        "doi",
        "verification",
        "retraction",
        "evidence_count",
    ]
    list_filter = ["verification", "retraction", "entry_type", "year"]
    search_fields = [
        "citekey",
        "title",
        "container_title",
        "doi",
        "pmid",
        "as_cited",
        "contributors__person__family",
    ]
    ordering = ["citekey"]
    form = ReferenceAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_search_results(self, request, queryset, search_term):
        """The admin's word search, plus references close to the term (typos allowed)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, may_have_duplicates
        close = queryset.filter(pk__in=queryset.similar_to(search_term).values("pk"))
        return found | close, may_have_duplicates

    inlines = [ContributorInline]
    actions = ["mark_verified", "export_bibtex", "merge_selected"]
    change_list_template = "admin/citations/reference/change_list.html"
    # Evidence moves, so the claims citing it are regraded: a service of the evidence app.
    merge_service = staticmethod(reference_merge_regrading)
    merge_plan = staticmethod(merge.reference_merge_plan)
    duplicate_groups = staticmethod(duplicates.reference_duplicate_groups)
    readonly_fields = ["created", "updated", "used_by"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "citekey",
                    "entry_type",
                    "authors",
                    "title",
                    "container_title",
                    "publisher",
                    "year",
                    "volume",
                    "issue",
                    "pages",
                    "edition",
                ]
            },
        ),
        ("Identifiers", {"fields": ["doi", "pmid", "pmcid", "isbn", "url", "not_a_duplicate"]}),
        ("Verification", {"fields": ["verification", "as_cited", "verification_note"]}),
        ("Retraction", {"fields": ["retraction", "retraction_notice", "retraction_date"]}),
        ("Where used", {"fields": ["used_by"]}),
        (
            "More",
            {
                "classes": ["collapse"],
                "fields": ["abstract", "original_key", "extra_fields", "created", "updated"],
            },
        ),
    ]

    def get_queryset(self, request):
        # Distinct: a search joins contributors, which would count each item once per author.
        return (
            super().get_queryset(request).annotate(evidence_total=Count("evidence", distinct=True))
        )

    @admin.display(description="Evidence items and claims")
    def used_by(self, obj):
        return where_used.reference_uses(obj) if obj.pk else "-"

    def save_model(self, request, obj, form, change):
        """Save; a changed verification goes through its service (rules, history)."""
        verification, note = obj.verification, obj.verification_note
        verified = change and {"verification", "verification_note"} & set(form.changed_data)
        if verified:
            stored = Reference.objects.get(pk=obj.pk)
            obj.verification, obj.verification_note = stored.verification, stored.verification_note
        super().save_model(request, obj, form, change)
        if verified:
            reference_set_verification(
                reference=obj, verification=verification, note=note, actor=request.user
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contributor:
            return super().save_formset(request, form, formset, change)
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            if row.pk:
                row.delete()
        taken = set(form.instance.contributors.values_list("role", "position"))
        # A new row, or one moved to the other role, goes last in its role.
        moved = {row.pk for row, fields in formset.changed_objects if "role" in fields}
        for row in rows:
            if row.pk is None or row.pk in moved:
                row.position = next_free(taken, row.role)
                taken.add((row.role, row.position))
            row.save()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.author_names is not None:
            reference_set_contributors(
                reference=form.instance, names=form.author_names, actor=request.user
            )
        reference_number_contributors(reference=form.instance)

    @admin.display(description="Title", ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 80 else obj.title[:79] + "…"

    @admin.display(description="Evidence", ordering="evidence_total")
    def evidence_count(self, obj):
        return obj.evidence_total

    @admin.action(description="Mark selected references as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        with transaction.atomic():
            for reference in queryset.order_by("pk"):
                reference_set_verification(
                    reference=reference, verification=Verification.VERIFIED, actor=request.user
                )
        self.message_user(request, f"{queryset.count()} reference(s) marked verified.")

    @admin.action(description="Export selected as BibTeX", permissions=["view"])
    def export_bibtex(self, request, queryset):
        response = StreamingHttpResponse(
            bibtex_stream(queryset), content_type="application/x-bibtex; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="references.bib"'
        return response

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_bibtex_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_bibtex"
        return [path("import-bibtex/", view, name=name), *super().get_urls()]

    def import_bibtex_view(self, request):
        """Upload or paste -> preview of the plan (nothing written) -> Import. A refused
        import keeps the upload: the preview comes back, "skip invalid" can be ticked, and
        Import tried again."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirmed(request)
        form = BibTeXImportForm(request.POST or None, request.FILES or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            data = form.bibtex()
            plan = reference_import_plan(data=data)
            request.session[SESSION_KEY] = {
                "data": base64.b64encode(data).decode("ascii"),
                "on_duplicate": form.cleaned_data["on_duplicate"],
                "skip_invalid": form.cleaned_data["skip_invalid"],
            }
        return self._import_page(request, form, plan)

    def _import_page(self, request, form, plan):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import BibTeX",
            "form": form,
            "plan": plan,
            "pending": request.session.get(SESSION_KEY),
            "on_duplicate_choices": importer.ON_DUPLICATE_CHOICES,
        }
        return TemplateResponse(request, "admin/citations/reference/import_bibtex.html", context)

    def _import_confirmed(self, request):
        pending = request.session.get(SESSION_KEY)
        if pending is None:
            self.message_user(request, IMPORT_EXPIRED, messages.ERROR)
            return redirect(request.path)
        # The preview's own options (a curator may tick "skip invalid" there and retry).
        choice = request.POST.get("on_duplicate", pending["on_duplicate"])
        pending = {
            **pending,
            "skip_invalid": request.POST.get("skip_invalid") == "on",
            "on_duplicate": choice if choice in importer.ON_DUPLICATE_CHOICES else importer.SKIP,
        }
        outcome = reference_import_bibtex(
            data=base64.b64decode(pending["data"]),
            on_duplicate=pending["on_duplicate"],
            skip_invalid=pending["skip_invalid"],
            user=request.user,
        )
        result = outcome.result
        if not result.written:
            request.session[SESSION_KEY] = pending  # kept for another try
            self.message_user(request, result.refused, messages.ERROR)
            return self._import_page(request, BibTeXImportForm(), outcome.plan)
        request.session.pop(SESSION_KEY, None)
        done = IMPORT_DONE.format(
            created=result.created, updated=result.updated, skipped=result.skipped
        )
        self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
