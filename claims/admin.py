"""Curation of claims: evidence inline with reference autocomplete, topics, relations.

Saving a claim regrades it once its evidence inlines are saved. Status changes only through
the workflow actions, which call claims.services and report each refused claim. Each action
needs its own permission (Claim.Meta.permissions: publish_claim, retract_claim), so staff who
may only view claims are not offered them, and a forged POST of one runs nothing. The
claim's history is read-only: a revert would skip the workflow and the grading.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from citations.admin_history import HistoryAdmin
from claims.models import Claim, ClaimRelation, Topic
from claims.services import (
    claim_publish,
    claim_retract,
    claim_return_to_draft,
    claim_submit_for_review,
)
from evidence.admin import EVIDENCE_FIELDSETS
from evidence.history import claim_grade_history
from evidence.models import Evidence
from evidence.services import claim_regrade

NO_GRADE_HISTORY = "No grade yet."


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ["reference", "covers"]
    show_change_link = True
    fieldsets = EVIDENCE_FIELDSETS

    def get_queryset(self, request):
        # Each row's title (`Evidence.__str__`) names its reference and claim; the studies it
        # covers fill the row's `covers` field.
        queryset = super().get_queryset(request).select_related("claim", "reference")
        return queryset.prefetch_related("covers")


class RelationInline(admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ["to_claim"]

    def get_queryset(self, request):
        # Each row's title (`ClaimRelation.__str__`) names both claims.
        return super().get_queryset(request).select_related("from_claim", "to_claim")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown to readers in a banner."
    )


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
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
    list_filter = [
        "status",
        "population",
        "question",
        "grade_level",
        "grade_direction",
        "grade_rubric",
        "topics",
    ]
    list_select_related = ["curator"]
    search_fields = ["statement", "summary", "slug"]
    prepopulated_fields = {"slug": ["statement"]}
    autocomplete_fields = ["topics"]
    inlines = [EvidenceInline, RelationInline]
    actions = ["submit_for_review", "publish", "return_to_draft", "retract"]
    history_revert = False
    readonly_fields = [
        "status",
        "retraction_reason",
        "grade_level",
        "grade_direction",
        "grade_reasons",
        "grade_rubric",
        "graded_at",
        "grade_history",
        "published_at",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["statement", "slug", "summary", "source_text", "topics"]}),
        ("What the claim asks", {"fields": [("population", "question"), ("cell_species", "mid")]}),
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
                    "grade_history",
                    "grade_override",
                    "override_rationale",
                ]
            },
        ),
        ("Record", {"classes": ["collapse"], "fields": ["created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_stance_counts()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_override_permission(request):
            fields += ["grade_override", "override_rationale"]
        return fields

    def has_publish_permission(self, request):
        return request.user.has_perm("claims.publish_claim")

    def has_retract_permission(self, request):
        return request.user.has_perm("claims.retract_claim")

    def has_override_permission(self, request):
        return request.user.has_perm("claims.override_grade")

    @admin.display(description="For", ordering="supporting_count")
    def supporting(self, obj):
        return obj.supporting_count

    @admin.display(description="Against", ordering="contradicting_count")
    def contradicting(self, obj):
        return obj.contradicting_count

    @admin.display(description="Grade history")
    def grade_history(self, obj):
        changes = claim_grade_history(obj) if obj.pk else []
        if not changes:
            return NO_GRADE_HISTORY
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (f"{c.date:%Y-%m-%d %H:%M}", c.level, c.direction, c.override, c.user, c.reason)
                for c in changes
            ),
        )
        header = "<tr><th>Date</th><th>Level</th><th>Direction</th><th>Override</th>"
        return format_html(header + "<th>By</th><th>Why</th></tr>{}", rows)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        claim_regrade(claim=form.instance, actor=request.user)

    @admin.action(description="Submit selected claims for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._transition(request, queryset, claim_submit_for_review, "Submitted for review")

    @admin.action(description="Publish selected claims", permissions=["publish"])
    def publish(self, request, queryset):
        self._transition(request, queryset, claim_publish, "Published")

    @admin.action(description="Return selected claims to draft", permissions=["publish"])
    def return_to_draft(self, request, queryset):
        self._transition(request, queryset, claim_return_to_draft, "Returned to draft")

    @admin.action(
        description="Retract selected claims (asks for a reason)", permissions=["retract"]
    )
    def retract(self, request, queryset):
        form = RetractForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            service = partial(claim_retract, reason=form.cleaned_data["reason"])
            self._transition(request, queryset, service, "Retracted")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Retract claims",
            "opts": self.model._meta,
            "claims": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/retract.html", context)

    def _transition(self, request, queryset, service, done: str) -> None:
        moved = 0
        for claim in queryset:
            try:
                service(claim=claim, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{claim.slug}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{done}: {moved} claim(s).", messages.SUCCESS)


@admin.register(ClaimRelation)
class ClaimRelationAdmin(admin.ModelAdmin):
    list_display = ["from_claim", "kind", "to_claim"]
    list_filter = ["kind"]
    list_select_related = ["from_claim", "to_claim"]
    search_fields = ["from_claim__statement", "to_claim__statement"]
    autocomplete_fields = ["from_claim", "to_claim"]
