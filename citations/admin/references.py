"""Curation of references: contributors inline, identifiers, verification, BibTeX in and out."""

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from citations import merge, possible_duplicates
from citations.admin import where_used
from citations.admin.forms import ReferenceAdminForm
from citations.admin.history import HistoryAdmin
from citations.admin.importing import ReferenceImportAdminMixin
from citations.admin.merge import MergeAdminMixin
from citations.exports import bibtex_stream
from citations.models import (
    BIBLIOGRAPHIC_FIELDS,
    IDENTIFIER_FIELDS,
    Contributor,
    Person,
    Reference,
    Role,
    Verification,
)
from citations.services import reference_number_contributors, reference_set_contributors


def next_free(taken: set[tuple[str, int]], role: str) -> int:
    """The position after the last one `role` holds."""
    return max((position for r, position in taken if r == role), default=-1) + 1


# Rows the contributors inline shows at most: each row's person widget costs a query and a
# form, so a reference with 10,000 authors timed out; past this, a read-only summary stands
# in for the inline and the Authors list (one text field) is where its authors are edited.
EDITABLE_CONTRIBUTORS = 50
MANY_CONTRIBUTORS = (
    "{authors} author(s) and {editors} editor(s): too many to edit row by row here. The "
    "Authors field above holds every author in order; changing it replaces them."
)


class ContributorInline(admin.TabularInline):
    """Contributors in order; positions number themselves (a new row goes last). Shown for
    references with at most `EDITABLE_CONTRIBUTORS` contributors."""

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
    duplicate_groups = staticmethod(possible_duplicates.person_duplicate_groups)

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


class ReferenceAdmin(ReferenceImportAdminMixin, MergeAdminMixin, HistoryAdmin):
    """The curation of references. Registered by evidence.admin (`CitedReferenceAdmin`),
    which sets the two writes that also regrade the claims citing a reference:
    `merge_service` (evidence moves) and `verification_service` (keyword arguments
    reference, verification, note and actor): citations knows no claims."""

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
    actions = ["mark_verified", "match_citations", "export_bibtex", "merge_selected"]
    change_list_template = "admin/citations/reference/change_list.html"
    verification_service = None
    merge_plan = staticmethod(merge.reference_merge_plan)
    duplicate_groups = staticmethod(possible_duplicates.reference_duplicate_groups)
    readonly_fields = ["created", "updated", "used_by", "merged_from", "contributors_summary"]
    fieldsets = [
        (
            None,
            {"fields": ["citekey", "authors", *BIBLIOGRAPHIC_FIELDS, "protected_words"]},
        ),
        ("Identifiers", {"fields": [*IDENTIFIER_FIELDS, "url", "not_a_duplicate"]}),
        (
            "Verification",
            {"fields": ["verification", "as_cited", "merged_from", "verification_note"]},
        ),
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

    def changelist_view(self, request, extra_context=None):
        """The list without the navigation sidebar (the breadcrumbs lead back): at 1280 px the
        sidebar and the filters leave too little room for every column of a reference."""
        context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def get_queryset(self, request):
        # Distinct: a search joins contributors, which would count each item once per author.
        return (
            super().get_queryset(request).annotate(evidence_total=Count("evidence", distinct=True))
        )

    def contributor_counts(self, obj) -> dict[str, int]:
        """{role: count} of a stored reference, counted once per request's object."""
        if not hasattr(obj, "_contributor_counts"):
            rows = obj.contributors.values("role").annotate(count=Count("pk")).order_by()
            obj._contributor_counts = {row["role"]: row["count"] for row in rows}
        return obj._contributor_counts

    def has_many_contributors(self, obj) -> bool:
        return obj is not None and sum(self.contributor_counts(obj).values()) > (
            EDITABLE_CONTRIBUTORS
        )

    def get_inlines(self, request, obj):
        return [] if self.has_many_contributors(obj) else super().get_inlines(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_many_contributors(obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = list(options["fields"])
        fields.insert(fields.index("authors") + 1, "contributors_summary")
        return [(name, {**options, "fields": fields}), *rest]

    @admin.display(description="Contributors")
    def contributors_summary(self, obj):
        counts = self.contributor_counts(obj)
        return MANY_CONTRIBUTORS.format(
            authors=f"{counts.get(Role.AUTHOR, 0):,}", editors=f"{counts.get(Role.EDITOR, 0):,}"
        )

    @admin.display(description="Evidence items and claims")
    def used_by(self, obj):
        return where_used.reference_uses(obj) if obj.pk else "-"

    @admin.display(description="Merged into this record")
    def merged_from(self, obj):
        """Each old citekey with how its source printed it: a merge keeps both texts."""
        aliases = obj.aliases.all() if obj.pk else []
        rows = format_html_join(
            "", "<li><code>{}</code>: {}</li>", ((a.citekey, a.as_cited or "-") for a in aliases)
        )
        return format_html("<ul>{}</ul>", rows) if rows else "-"

    def save_model(self, request, obj, form, change):
        """Save; a changed verification goes through its service (rules, history)."""
        verification, note = obj.verification, obj.verification_note
        verified = change and {"verification", "verification_note"} & set(form.changed_data)
        if verified:
            stored = Reference.objects.get(pk=obj.pk)
            obj.verification, obj.verification_note = stored.verification, stored.verification_note
        super().save_model(request, obj, form, change)
        if verified:
            self.verification_service(
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
                self.verification_service(
                    reference=reference, verification=Verification.VERIFIED, actor=request.user
                )
        self.message_user(request, f"{queryset.count()} reference(s) marked verified.")

    @admin.action(description="Match selected citations to records", permissions=["change"])
    def match_citations(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:10])
        return redirect(f"{reverse('admin:evidence_evidence_match')}?ids={ids}")

    @admin.action(description="Export selected as BibTeX", permissions=["view"])
    def export_bibtex(self, request, queryset):
        response = StreamingHttpResponse(
            bibtex_stream(queryset), content_type="application/x-bibtex; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="references.bib"'
        return response
