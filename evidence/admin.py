"""Curation of evidence items on their own (they are also inline on each claim)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evidence.models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
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
