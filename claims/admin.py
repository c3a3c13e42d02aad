"""Curation of claims: evidence inline with reference autocomplete, topics, relations."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from claims.models import Claim, ClaimRelation, Topic
from evidence.models import Evidence


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["reference"]
    show_change_link = True
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("reference", "outcome"),
                    ("stance", "design"),
                    ("population", "population_detail", "sample_size"),
                ]
            },
        ),
        (
            "Effect",
            {
                "fields": [
                    ("effect_measure", "effect_value", "ci_low", "ci_high"),
                    "effect_unit",
                    ("risk_of_bias", "large_effect"),
                ]
            },
        ),
        ("Quote", {"fields": ["quote", "locator", "notes"]}),
    ]


class RelationInline(admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ["to_claim"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = [
        "statement",
        "status",
        "population",
        "grade_level",
        "grade_direction",
        "supporting",
        "contradicting",
        "curator",
    ]
    list_filter = ["status", "population", "grade_level", "grade_direction", "topics"]
    list_select_related = ["curator"]
    search_fields = ["statement", "summary", "slug"]
    prepopulated_fields = {"slug": ["statement"]}
    autocomplete_fields = ["topics"]
    inlines = [EvidenceInline, RelationInline]
    readonly_fields = [
        "grade_level",
        "grade_direction",
        "grade_reasons",
        "grade_rubric",
        "graded_at",
        "published_at",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["statement", "slug", "summary", "source_text", "topics", "population"]}),
        (
            "Workflow",
            {"fields": ["status", "retraction_reason", "curator", "reviewed_at", "published_at"]},
        ),
        (
            "Grade",
            {
                "fields": [
                    "grade_level",
                    "grade_direction",
                    "grade_reasons",
                    "grade_rubric",
                    "graded_at",
                    "grade_override",
                    "override_rationale",
                ]
            },
        ),
        ("Record", {"classes": ["collapse"], "fields": ["created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_stance_counts()

    @admin.display(description="For", ordering="supporting_count")
    def supporting(self, obj):
        return obj.supporting_count

    @admin.display(description="Against", ordering="contradicting_count")
    def contradicting(self, obj):
        return obj.contradicting_count


@admin.register(ClaimRelation)
class ClaimRelationAdmin(admin.ModelAdmin):
    list_display = ["from_claim", "kind", "to_claim"]
    list_filter = ["kind"]
    list_select_related = ["from_claim", "to_claim"]
    search_fields = ["from_claim__statement", "to_claim__statement"]
    autocomplete_fields = ["from_claim", "to_claim"]
