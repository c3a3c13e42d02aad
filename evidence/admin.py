"""Curation of evidence items on their own (they are also inline on each claim).

Saving or deleting an item goes through evidence.services, which regrades its claim.
"""

from django.contrib import admin
from django.db import transaction

from citations.admin_history import HistoryAdmin
from evidence.models import Evidence
from evidence.services import evidence_delete, evidence_save


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
        "large_effect",
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
    autocomplete_fields = ["claim", "reference"]
    readonly_fields = ["created", "updated"]

    def save_model(self, request, obj, form, change):
        evidence_save(evidence=obj, actor=request.user)

    def delete_model(self, request, obj):
        evidence_delete(evidence=obj, actor=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for item in queryset.select_related("claim"):
            evidence_delete(evidence=item, actor=request.user)
