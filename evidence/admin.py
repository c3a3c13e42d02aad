"""Curation of evidence items on their own (they are also inline on each claim).

Saving or deleting an item goes through evidence.services, which regrades its claim.
"""

from django.contrib import admin
from django.db import transaction

from citations.admin_history import HistoryAdmin
from evidence.models import Evidence
from evidence.services import claim_regrade, evidence_delete, evidence_save

# Grouped as a reviewer reads a study: what it is, how directly it answers the claim, what it
# found (and how the pooled studies agree), how far to trust it, and the words to quote.
EVIDENCE_FIELDSETS = [
    (
        "What the study is",
        {
            "fields": [
                ("reference", "outcome"),
                ("stance", "design", "via"),
                "covers",
                ("population", "cell_species", "sample_size"),
                "population_detail",
                ("funding", "source_access"),
            ]
        },
    ),
    (
        "How directly it answers the claim",
        {
            "fields": [
                ("population_match", "intervention_match"),
                ("comparator_match", "outcome_match"),
            ]
        },
    ),
    (
        "Result and synthesis",
        {
            "fields": [
                ("effect_measure", "effect_value", "ci_low", "ci_high"),
                "effect_unit",
                ("ci_source", "ci_derivation"),
                ("i_squared", "same_direction", "small_study_effects"),
            ]
        },
    ),
    (
        "Appraisal",
        {
            "fields": [
                "risk_of_bias",
                ("dose_response", "confounding_reduces"),
                "large_effect",
            ]
        },
    ),
    ("The quote", {"fields": ["quote", "locator", "notes"]}),
]


@admin.register(Evidence)
class EvidenceAdmin(HistoryAdmin):
    list_display = [
        "claim",
        "reference",
        "outcome",
        "stance",
        "design",
        "population",
        "sample_size",
        "effect_value",
        "risk_of_bias",
    ]
    list_filter = [
        "stance",
        "design",
        "population",
        "risk_of_bias",
        "via",
        "source_access",
        "funding",
        "claim__topics",
    ]
    list_select_related = ["claim", "reference"]
    search_fields = [
        "claim__statement",
        "reference__citekey",
        "reference__title",
        "quote",
        "population_detail",
        "outcome",
    ]
    autocomplete_fields = ["claim", "reference", "covers"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        ("Claim", {"fields": ["claim"]}),
        *EVIDENCE_FIELDSETS,
        ("Record", {"classes": ["collapse"], "fields": ["curator", "created", "updated"]}),
    ]

    def save_model(self, request, obj, form, change):
        evidence_save(evidence=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        # `covers` is saved after the item: regrade again so the grade sees what it pools.
        super().save_related(request, form, formsets, change)
        claim_regrade(claim=form.instance.claim, actor=request.user)

    def delete_model(self, request, obj):
        evidence_delete(evidence=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for item in queryset.select_related("claim"):
            evidence_delete(evidence=item, actor=request.user)
