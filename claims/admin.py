"""Curation of claims: evidence inline with reference autocomplete, topics, relations,
review notes, and the workflow as buttons on the claim page.

Saving a claim regrades it once its evidence inlines are saved; a changed grade override
goes through `claim_override_grade`. Status changes only through the workflow buttons and
actions, which call claims.services and report each refused claim by its statement. Each
step needs its own permission (Claim.Meta.permissions: publish_claim, retract_claim), so
staff who may only view claims are not offered them, and a forged POST of one runs nothing.
The claim's history is read-only: a revert would skip the workflow and the grading. Saving
a public claim, or a relation from one, stages the change as a pending revision
(claims.admin_revisions); review notes save at once (readers never see them).
"""

from django import forms
from django.contrib import admin
from django.db.models import Exists, IntegerField, OuterRef, Subquery

from citations.admin.history import HistoryAdmin
from claims.admin_history import (  # noqa: F401 - names tests and templates import from here
    NEVER_PUBLISHED,
    NO_GRADE_HISTORY,
    NO_REASONS,
    UNCHANGED_SINCE_PUBLISHED,
    RecordPanelsMixin,
)
from claims.admin_parts import PartsMixin
from claims.admin_posted import InlineFormsetsKept
from claims.admin_relations import STAGED_RELATION, ClaimRelationAdmin  # noqa: F401 - registers it
from claims.admin_revisions import RevisionsMixin
from claims.admin_saving import claim_lock_for_save, form_fields
from claims.admin_workflow import WorkflowActionsMixin, WorkflowButtonsMixin
from claims.models import (
    ApiToken,
    Claim,
    ClaimRelation,
    ClaimRevision,
    ReviewNote,
    RevisionStatus,
    Status,
    Topic,
)
from claims.services import claim_override_grade
from evidence.admin import EVIDENCE_FIELDSETS
from evidence.models import Evidence
from evidence.relations import RELATIONS_CHANGED
from evidence.services import claim_regrade, claims_regrade

GRADING_INPUTS_NOTE = (
    "What the rubric reads of the claim. A claim that bundles several outcomes is not graded"
    " itself: relate each outcome's claim to it as <i>part of</i> (Relations, below, on the"
    " part's page). The pooled estimate is optional: one estimate pooling the deciding"
    " studies, with its 95% confidence interval."
)


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


class ReviewNoteInline(admin.TabularInline):
    """Review comments beside the claim; a new note records its author."""

    model = ReviewNote
    extra = 1
    fields = ["text", "author", "created", "resolved"]
    readonly_fields = ["author", "created"]
    verbose_name = "review note"
    formfield_overrides = {
        forms.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class RelationInline(admin.TabularInline):
    """Relations from this claim: "this claim refines / is part of / ... that claim"."""

    model = ClaimRelation
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ["to_claim"]
    verbose_name_plural = "relations (this claim refines, is part of, depends on ... another)"

    def get_queryset(self, request):
        # Each row's title (`ClaimRelation.__str__`) names both claims.
        return super().get_queryset(request).select_related("from_claim", "to_claim")


class SubqueryCount(Subquery):
    """The number of rows of a subquery, as a column (no join to multiply other counts)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


class AwaitingReviewFilter(admin.SimpleListFilter):
    """In review and submitted by someone else: what this curator may publish (four eyes);
    or with a pending revision this curator did not write: what they may approve."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("mine", "Awaiting my review"), ("revisions", "Revisions awaiting my approval")]

    def queryset(self, request, queryset):
        if self.value() == "revisions":
            pending = ClaimRevision.objects.filter(
                claim=OuterRef("pk"), status=RevisionStatus.PENDING
            )
            return queryset.filter(Exists(pending.exclude(authors=request.user)))
        if self.value() != "mine":
            return queryset
        return queryset.filter(status=Status.IN_REVIEW).exclude(submitted_by=request.user)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


# The grade as computed and stored, shown read-only; the override beside it is the curator's.
COMPUTED_GRADE_FIELDS = [
    "grade_level",
    "grade_direction",
    "grade_provisional",
    "reasons",
    "grade_rubric",
    "graded_at",
    "grade_history",
]


@admin.register(Claim)
class ClaimAdmin(
    InlineFormsetsKept,
    PartsMixin,
    RevisionsMixin,
    RecordPanelsMixin,
    WorkflowButtonsMixin,
    WorkflowActionsMixin,
    HistoryAdmin,
):
    list_display = [
        "statement",
        "status",
        "population",
        "grade_level",
        "grade_direction",
        "supporting",
        "contradicting",
        "curator",
        "submitted_by",
        "open_notes",
    ]
    list_filter = [
        AwaitingReviewFilter,
        "status",
        "population",
        "question",
        "grade_level",
        "grade_direction",
        "grade_provisional",
        "grade_rubric",
        "topics",
    ]
    list_select_related = ["curator", "submitted_by"]
    search_fields = ["statement", "summary", "slug"]
    prepopulated_fields = {"slug": ["statement"]}
    autocomplete_fields = ["topics"]
    inlines = [EvidenceInline, RelationInline, ReviewNoteInline]
    actions = ["submit_for_review", "publish", "return_to_draft", "retract"]
    change_form_template = "admin/claims/claim/change_form.html"
    history_revert = False
    readonly_fields = [
        "status",
        "submitted_by",
        "retraction_reason",
        *COMPUTED_GRADE_FIELDS,
        "parts",
        "wholes",
        "published_at",
        "changes_since_published",
        "pending_changes",
        "revision_history",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["statement", "slug", "summary", "source_text", "topics"]}),
        (
            "Grading inputs",
            {
                "description": GRADING_INPUTS_NOTE,
                "fields": [
                    ("population", "question", "cell_species"),
                    ("claimed_direction", "mid", "mid_scale"),
                    ("pooled_measure", "pooled_value", "pooled_ci_low", "pooled_ci_high"),
                ],
            },
        ),
        (
            "Workflow",
            {
                "fields": [
                    "status",
                    "submitted_by",
                    "retraction_reason",
                    "curator",
                    "reviewed_at",
                    "published_at",
                    "changes_since_published",
                ]
            },
        ),
        (
            "Grade",
            {
                "fields": [
                    *COMPUTED_GRADE_FIELDS,
                    "grade_override",
                    "override_rationale",
                    "parts",
                    "wholes",
                ]
            },
        ),
        ("Revisions", {"fields": ["pending_changes", "revision_history"]}),
        ("Record", {"classes": ["collapse"], "fields": ["created", "updated"]}),
    ]

    def get_queryset(self, request):
        open_notes = ReviewNote.objects.filter(claim=OuterRef("pk"), resolved=False)
        return (
            super()
            .get_queryset(request)
            .with_stance_counts()
            .annotate(open_notes_count=SubqueryCount(open_notes))
        )

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

    @admin.display(description="Open notes", ordering="open_notes_count")
    def open_notes(self, obj):
        return obj.open_notes_count or ""

    @admin.display(description="For", ordering="supporting_count")
    def supporting(self, obj):
        return obj.supporting_count

    @admin.display(description="Against", ordering="contradicting_count")
    def contradicting(self, obj):
        return obj.contradicting_count

    def save_model(self, request, obj, form, change):
        """Save the claim (a public one: see save_related); a changed override goes through
        its service (rules, history). Whether it stages, and what a live save writes, is read
        from the claim as locked (claims.admin_saving)."""
        level, rationale = obj.grade_override, obj.override_rationale
        overridden = {"grade_override", "override_rationale"} & set(form.changed_data)
        claim_lock_for_save(request, obj, form, change)
        if self.stages(obj, change):
            if overridden:
                claim_override_grade(
                    claim=obj, level=level, rationale=rationale, actor=request.user
                )
            return
        if overridden and not change:
            # A stored claim's override was read again from its locked row; a new one starts
            # without one, and the service sets it (rules, history).
            obj.grade_override, obj.override_rationale = "", ""
        if change:
            obj._history_user = request.user  # as SimpleHistoryAdmin.save_model sets it
            obj.save(update_fields=form_fields(form))
        else:
            super().save_model(request, obj, form, change)
        if overridden:
            claim_override_grade(claim=obj, level=level, rationale=rationale, actor=request.user)

    def save_related(self, request, form, formsets, change):
        # A public claim's relations are staged with the rest of its change (stage()).
        # A claim related to this one as its whole (`part_of`) is graded through its parts:
        # regrade every claim this one relates to, before and after the relations change.
        claim = form.instance
        if self.stages(claim, change):
            self.stage(request, form, formsets)
            return
        related = set(claim.relations_from.values_list("to_claim_id", flat=True))
        super().save_related(request, form, formsets, change)
        claim_regrade(claim=claim, actor=request.user)
        related |= set(claim.relations_from.values_list("to_claim_id", flat=True))
        if related:
            claims_regrade(
                claims=Claim.objects.filter(pk__in=related),
                actor=request.user,
                reason=RELATIONS_CHANGED,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is ReviewNote:
            for note in formset.save(commit=False):
                note.author = note.author or request.user
                note.save()
            for note in formset.deleted_objects:
                note.delete()
            return
        super().save_formset(request, form, formset, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds a token, since when, until when, last used: never the key (it is not
    stored; the digest in the links cannot authenticate). Tokens are made by their curator
    on the API token page; here they can only be revoked (deleted)."""

    list_display = ("token_key", "user", "created", "expiry", "last_used")
    list_select_related = ("user",)
    search_fields = ("user__username", "token_key")
    fields = ("token_key", "user", "created", "expiry", "last_used")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
