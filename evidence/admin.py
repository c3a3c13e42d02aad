"""Curation of evidence items on their own (they are also inline on each claim), matching
citations to records, and the Integrity page.

Saving or deleting an item goes through evidence.services, which regrades its claim; for an
item of a public claim it is staged as the claim's pending revision (evidence.revisions). The
references' admin is registered here too: merging references and changing a verification
regrade the claims citing them, which citations (below claims and evidence) cannot do.
"""

import functools

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from citations.admin.history import HistoryAdmin
from citations.admin.references import ReferenceAdmin
from citations.models import Reference
from citations.sources import matching
from citations.sources.http import SourceError
from claims.models import Claim
from config.admin_urls import admin_page_path
from evidence import verification
from evidence.admin_staging import StagedWritesAdmin
from evidence.locks import rows_locked_with_claims
from evidence.models import Evidence
from evidence.revisions import (
    ItemChange,
    claim_revision_create,
    is_staged,
    move_refused,
    staged_fields,
)
from evidence.services import (
    claim_regrade,
    evidence_delete,
    evidence_save,
    reference_merge_regrading,
    reference_set_verification,
    share_references,
)

STAGED_ITEM = (
    "Saved in the claim's pending revision: readers see the published version until a"
    " curator who wrote none of it approves it."
)
# What each risk-of-bias tool asks, and how its overall judgement maps onto ours: a note the
# curator opens beside the two fields (the fieldset description is the admin's own HTML).
ROB_GUIDE = """
<details class="rob-guide"><summary>Which tool, and how to read its overall judgement</summary>
<ul>
<li><b>RoB 2</b> (randomised trials): randomisation process; deviations from intended
interventions; missing outcome data; measurement of the outcome; selection of the reported
result. Low only when every domain is low; any "some concerns" gives some concerns; any high
gives high.</li>
<li><b>ROBINS-I</b> (non-randomised studies of interventions): confounding; selection of
participants; classification of interventions; deviations; missing data; measurement of
outcomes; selection of the reported result. Low, moderate (enter "some concerns"), serious
(enter "high"), critical.</li>
<li><b>ROBINS-E</b> (observational studies of exposures): the same questions for an exposure;
low, some concerns, high, very high (enter "critical").</li>
<li><b>QUIPS</b> (prognostic factor studies, e.g. cohorts on a prognostic claim): study
participation; attrition; prognostic factor measurement; outcome measurement; confounding;
statistical analysis and reporting. Low, moderate (enter "some concerns"), high.</li>
<li><b>SYRCLE</b> (animal experiments): sequence generation; baseline characteristics;
allocation concealment; random housing; blinding of caregivers; random outcome assessment;
blinding of assessors; incomplete outcome data; selective reporting; other. Knockout versus
wild type is a genotype comparison: set "Randomised" to no.</li>
<li><b>Cell studies</b>: no accepted tool; leave "Not assessed" (the page says so and marks
the grade provisional).</li>
</ul>
<p>"Not assessed" never lowers a grade; it makes it provisional. Use notes for what the
judgement rests on (e.g. "abstract only: sequence generation not described").</p>
</details>
"""

# Grouped as a reviewer reads a study: what it is, how directly it answers the claim, what it
# found (and how the pooled studies agree), its risk of bias with the tool, and the quote.
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
                ("comparison", "randomised"),
                ("effect_measure", "effect_value", "ci_low", "ci_high"),
                "effect_unit",
                ("ci_source", "ci_derivation"),
                ("i_squared", "same_direction", "small_study_effects"),
            ]
        },
    ),
    (
        "Risk of bias",
        {"fields": [("rob_tool", "risk_of_bias")], "description": ROB_GUIDE},
    ),
    (
        "Appraisal",
        {
            "fields": [
                ("dose_response", "confounding_reduces"),
                "large_effect",
            ]
        },
    ),
    ("The quote", {"fields": ["quote", "locator", "notes"]}),
]


@admin.register(Reference)
class CitedReferenceAdmin(ReferenceAdmin):
    """References, whose merge and verification regrade the claims citing them."""

    merge_service = staticmethod(reference_merge_regrading)  # evidence moves to the survivor
    verification_service = staticmethod(reference_set_verification)


ITEM_DELETED = "This evidence item was deleted by someone else meanwhile."
NOT_SAVED = "Your other changes were not saved."


class EvidenceAdminForm(forms.ModelForm):
    """An item moves neither off nor onto a public claim (`move_refused`): checked here
    against the claims as read now, and again in `save_model` once they are locked."""

    class Meta:
        model = Evidence
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose

    def clean_claim(self):
        claim = self.cleaned_data["claim"]
        if self.instance.pk and (refused := move_refused(self.instance.claim, claim)):
            raise ValidationError(refused)
        return claim


@admin.register(Evidence)
class EvidenceAdmin(StagedWritesAdmin, HistoryAdmin):
    form = EvidenceAdminForm
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
        "rob_tool",
    ]
    list_filter = [
        "stance",
        "design",
        "population",
        "risk_of_bias",
        "rob_tool",
        "randomised",
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

    def get_urls(self):
        return [*verification_urls(self), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        # save_related adds the studies it pools after the item is saved, its claim locked:
        # they are held first, with the item's reference, in one statement (key order, as an
        # import locks references). Held one set after the other, a smaller reference after a
        # larger study, each waited for the other. Then the claims, its stored one and the
        # form's, before deciding: a claim read public or not before its lock could be
        # published meanwhile, and the item written live past four eyes (evidence.locks).
        covers = {study.pk for study in form.cleaned_data.get("covers", ())}
        share_references({obj.reference_id, *covers} - {None})
        rows_locked_with_claims(Evidence.objects.filter(pk=obj.pk), ["claim"], also=[obj.claim_id])
        if change:  # the claims as locked: one may have been published since the form's check
            stored = Evidence.objects.filter(pk=obj.pk).select_related("claim").first()
            if stored is None:
                raise ValidationError(ITEM_DELETED)
            if refused := move_refused(stored.claim, Claim.objects.get(pk=obj.claim_id)):
                raise ValidationError(f"{refused} {NOT_SAVED}")  # the transaction rolls back
        claim = self._public_claim(obj)
        if claim is None:
            evidence_save(evidence=obj, actor=request.user)
            return
        staged = {f.name for f in staged_fields(Evidence)}
        names = form.changed_data if change else form.cleaned_data
        fields = {n: form.cleaned_data[n] for n in names if n in staged}
        self._stage(request, obj, claim, ItemChange(id=obj.pk if change else None, fields=fields))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Django's; a move `save_model` refuses once the claims are locked (published
        after the form's check) is the curator's message, nothing written."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        if getattr(form.instance, "_staged", False):
            return  # `covers` is part of the staged change
        # `covers` is saved after the item: regrade again so the grade sees what it pools.
        super().save_related(request, form, formsets, change)
        claim_regrade(claim=form.instance.claim, actor=request.user)

    def delete_model(self, request, obj):
        if (item := self.row_locked(request, obj)) is not None:
            self._delete(request, item)

    def _delete(self, request, obj) -> None:
        """Delete `obj` (read after its claim was locked), or stage its deletion."""
        claim = self._public_claim(obj)
        if claim is None:
            evidence_delete(evidence=obj, actor=request.user)
        else:
            self._stage(request, obj, claim, ItemChange(id=obj.pk, remove=True))

    def _public_claim(self, obj):
        """The claim whose revision a write to `obj` goes to (its stored claim), when public;
        read as stored, so called once the claims are locked."""
        stored = Evidence.objects.filter(pk=obj.pk).select_related("claim").first()
        claim = stored.claim if stored else Claim.objects.get(pk=obj.claim_id)
        return claim if is_staged(claim) else None

    def staged_on(self, obj):
        return obj.claim

    def _stage(self, request, obj, claim, change: ItemChange) -> None:
        self.mark_staged(request, obj, claim)
        try:
            claim_revision_create(claim=claim, actor=request.user, items=[change])
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, STAGED_ITEM, messages.WARNING)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        """Delete (or stage the deletion of) each item, in one transaction. Each locks its
        claim: item by item, a later item's claim with a smaller key would be locked after an
        earlier one's, so all are locked first, in key order, and the items read after (one
        read before could have moved to another claim meanwhile: evidence.locks)."""
        for item in self.bulk_rows_locked(request, queryset):
            self._delete(request, item)

    def rows_locked(self, queryset) -> list:
        return rows_locked_with_claims(queryset.select_related("claim"), ["claim"])


# --- verification and integrity (admin pages over evidence.verification) -----------------

MATCH_LIMIT = 10
ACCEPTED = "Accepted the record from {source} for {citekey} ({outcome})."
MARKED_NOT_FOUND = "Marked {citekey} not found."
CANDIDATE_GONE = "That candidate is no longer offered; look again."
NO_GOOD_CANDIDATE = "No candidate is good enough."


def verification_urls(model_admin) -> list:
    """The integrity and match pages of the evidence admin (evidence_evidence_integrity, _match)."""
    match = functools.partial(match_view, model_admin)
    return [
        admin_page_path(model_admin, "integrity/", integrity_view, "integrity"),
        admin_page_path(model_admin, "match/", match, "match"),
    ]


def integrity_view(request):
    """Claims resting on retracted, corrected, questioned, not-found or unverified records."""
    if not request.user.has_perm("claims.view_claim"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Integrity: claims resting on doubtful records",
        "items": Evidence.objects.on_doubtful_records(),
    }
    return TemplateResponse(request, "admin/evidence/integrity.html", context)


def match_view(model_admin, request):
    """Candidates for each selected citation (`?ids=1,2`), ranked; accept one or mark not found."""
    if not request.user.has_perm("citations.change_reference"):
        raise PermissionDenied
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()]
    references = Reference.objects.filter(pk__in=ids[:MATCH_LIMIT]).with_contributors()
    if request.method == "POST":
        reference = get_object_or_404(Reference, pk=request.POST.get("reference"))
        match_decide(model_admin, request, reference)
        return redirect(request.get_full_path())
    sections = [match_section(reference) for reference in references]
    context = {
        **admin.site.each_context(request),
        "title": "Match citations as cited",
        "sections": sections,
        "no_good_candidate": NO_GOOD_CANDIDATE,
    }
    return TemplateResponse(request, "admin/evidence/match.html", context)


def match_section(reference) -> dict:
    try:
        candidates = verification.reference_find_candidates(reference=reference)
    except SourceError as exc:
        return {"reference": reference, "error": str(exc), "candidates": []}
    best = candidates[0] if candidates else None
    good = best is not None and best.title_similarity >= verification.WEAK_TITLE
    return {
        "reference": reference,
        "cited": verification.cited_text(reference),
        "candidates": candidates,
        "clear": matching.clear_choice(candidates),
        "good": good,
    }


def match_decide(model_admin, request, reference) -> None:
    """Accept the posted candidate (found again, from the cache) or mark not found."""
    if "not_found" in request.POST:
        verification.reference_mark_not_found(reference=reference, actor=request.user)
        model_admin.message_user(request, MARKED_NOT_FOUND.format(citekey=reference.citekey))
        return
    try:
        candidates = verification.reference_find_candidates(reference=reference)
        chosen = [c for c in candidates if candidate_key(c) == request.POST.get("candidate")]
        if not chosen:
            model_admin.message_user(request, CANDIDATE_GONE, messages.ERROR)
            return
        verification.reference_accept_candidate(
            reference=reference, candidate=chosen[0], actor=request.user
        )
    except verification.DoiTaken as exc:
        model_admin.message_user(request, doi_taken_message(exc, reference), messages.ERROR)
        return
    except (SourceError, ValidationError) as exc:
        model_admin.message_user(
            request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
        )
        return
    done = ACCEPTED.format(
        citekey=reference.citekey, source=chosen[0].found.source, outcome=chosen[0].outcome
    )
    model_admin.message_user(request, done, messages.SUCCESS)


def doi_taken_message(exc, reference) -> str:
    """The refusal, linking the record that holds the DOI and the merge of the two."""
    holder = exc.holder
    change = reverse("admin:citations_reference_change", args=[holder.pk])
    merge = reverse("admin:citations_reference_merge")
    return format_html(
        '{} <a href="{}">Open {}</a> · <a href="{}?ids={},{}&amp;survivor={}">Merge the two</a>',
        exc.messages[0],
        change,
        holder.citekey,
        merge,
        holder.pk,
        reference.pk,
        holder.pk,
    )


def candidate_key(candidate) -> str:
    fields = candidate.record.fields
    return fields.get("doi") or fields.get("pmid") or fields.get("isbn") or fields.get("title", "")


from evidence import admin_living  # noqa: E402, F401  (registers the curator inbox)
