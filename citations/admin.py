"""Curation of references: contributors inline, identifiers, verification."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from citations.models import Contributor, Person, Reference, Verification


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 1
    autocomplete_fields = ["person"]
    ordering = ["role", "position"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["family", "given", "prefix", "suffix", "orcid", "reference_count"]
    search_fields = ["family", "given", "orcid"]
    list_filter = ["contributions__role"]

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
class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = [
        "citekey",
        "short_title",
        "container_title",
        "year",
        "doi",
        "verification",
        "evidence_count",
    ]
    list_filter = ["verification", "entry_type", "year"]
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
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ContributorInline]
    actions = ["mark_verified"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "citekey",
                    "entry_type",
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
        ("Identifiers", {"fields": ["doi", "pmid", "pmcid", "isbn", "url"]}),
        ("Verification", {"fields": ["verification", "as_cited", "verification_note"]}),
        (
            "More",
            {
                "classes": ["collapse"],
                "fields": ["abstract", "original_key", "extra_fields", "created", "updated"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(evidence_total=Count("evidence"))

    @admin.display(description="Title", ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 80 else obj.title[:79] + "…"

    @admin.display(description="Evidence", ordering="evidence_total")
    def evidence_count(self, obj):
        return obj.evidence_total

    @admin.action(description="Mark selected references as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        updated = queryset.update(verification=Verification.VERIFIED)
        self.message_user(request, f"{updated} reference(s) marked verified.")
