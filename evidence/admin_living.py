"""The curator inbox: a claim's saved searches and the candidates their runs found.

Candidates are listed untriaged first by default, alerts at the top (a retraction notice, a
retracted paper, a trial, a meta-analysis or systematic review: `ALERT_TYPES`), each with
its title, abstract, publication types and the claim it may bear on. Triage is by action, on
one or many: "Relevant: add evidence" looks the record up (its DOI or PMID), keeps or creates
its reference and opens the evidence form with the claim and reference filled in (saving it
to a published claim stages it as the claim's pending revision: evidence.revisions);
"Not relevant" keeps the reason typed beside the action; "Later". The PRISMA-style counts
of every claim are one CSV (`prisma.csv`).
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from citations.identifiers import InvalidIdentifier
from citations.sources.http import SourceError
from claims.models import Claim
from evidence.living import (
    PRISMA_COLUMNS,
    candidate_include,
    candidate_triage,
    prisma_by_claim,
    record_alerts_dismiss,
)
from evidence.search_models import (
    CANDIDATE_RECORD_FIELDS,
    Candidate,
    Decision,
    RecordAlert,
    SavedSearch,
)

ONE_AT_A_TIME = "Add evidence from one candidate at a time."
TRIAGED = "Marked {count} candidate(s) {decision}."
ABSTRACT_SHOWN = 600
ALERTS_WAITING = (
    '<a href="{url}">{count} cited reference(s) newly retracted, under concern or corrected</a>:'
    " check the claims before screening."
)


class TriageActionForm(ActionForm):
    reason = forms.CharField(
        required=False,
        label="Reason (not relevant)",
        widget=forms.TextInput(attrs={"size": 40}),
    )


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["claim", "source", "query", "last_run_until", "last_run_at", "found_count"]
    list_filter = ["source"]
    list_select_related = ["claim", "created_by"]
    search_fields = ["query", "claim__statement", "claim__slug"]
    autocomplete_fields = ["claim"]
    fields = ["claim", "source", "query", "date_from", "date_until", "filters"]
    readonly_fields = ["created_by", "created", "last_run_at", "last_run_until"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        csv_view = self.admin_site.admin_view(self.prisma_csv_view)
        return [path("prisma.csv", csv_view, name="evidence_prisma_csv"), *super().get_urls()]

    def prisma_csv_view(self, request):
        """Each claim's found, duplicates, screened, screened out, included (CSV)."""
        if not request.user.has_perm("evidence.view_candidate"):
            raise PermissionDenied
        counts = prisma_by_claim(Claim.objects.all())
        claims = Claim.objects.filter(pk__in=counts).order_by("slug").only("slug", "statement")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="prisma.csv"'
        writer = csv.writer(response)
        writer.writerow(["claim", "statement", *PRISMA_COLUMNS])
        for claim in claims:
            row = counts[claim.pk]
            writer.writerow([claim.slug, claim.statement, *(row[c] for c in PRISMA_COLUMNS)])
        return response


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["alert", "study", "types", "claim", "identifiers", "decision", "found_at"]
    list_display_links = ["study"]
    list_filter = ["decision", "source", "claim"]
    list_select_related = ["claim", "reference"]
    search_fields = ["title", "abstract", "doi", "pmid", "claim__slug"]
    action_form = TriageActionForm
    actions = ["add_evidence", "mark_not_relevant", "mark_later"]
    readonly_fields = [
        "claim",
        *CANDIDATE_RECORD_FIELDS,
        "found_at",
        "decided_by",
        "decided_at",
        "reference",
    ]
    fields = [*readonly_fields[:11], "decision", "reason", *readonly_fields[11:]]

    def has_add_permission(self, request):
        return False  # candidates come from searches

    def get_queryset(self, request):
        return super().get_queryset(request).alerts_first()

    def changelist_view(self, request, extra_context=None):
        # The inbox opens on what needs screening; the filter shows the rest.
        if not request.GET and request.method == "GET":
            return redirect(f"{request.path}?{urlencode({'decision__exact': 'untriaged'})}")
        self._warn_of_record_alerts(request)
        return super().changelist_view(request, extra_context)

    def _warn_of_record_alerts(self, request) -> None:
        """Open record alerts (of the filtered claim) go above the candidates, linked."""
        if request.method != "GET" or not request.user.has_perm("evidence.view_recordalert"):
            return
        alerts, query = RecordAlert.objects.open(), {"status": "open"}
        claim = request.GET.get("claim__id__exact", "")
        if claim.isdigit():
            alerts, query = alerts.filter(claim_id=claim), {**query, "claim__id__exact": claim}
        count = alerts.count()
        if count:
            url = f"{reverse('admin:evidence_recordalert_changelist')}?{urlencode(query)}"
            self.message_user(
                request,
                format_html(ALERTS_WAITING, count=count, url=url),
                messages.WARNING,
            )

    def save_model(self, request, obj, form, change):
        if obj.decision == Decision.UNTRIAGED:
            obj.save(update_fields=["reason"])
        elif "decision" in form.changed_data or "reason" in form.changed_data:
            candidate_triage(
                candidate=obj, decision=obj.decision, reason=obj.reason, actor=request.user
            )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        clean = form.clean

        def checked(this):
            data = clean(this)
            decision, reason = data.get("decision"), data.get("reason") or ""
            if decision == Decision.UNTRIAGED and this.instance.decision != Decision.UNTRIAGED:
                raise ValidationError({"decision": "A decision cannot be taken back to untriaged."})
            if decision == Decision.NOT_RELEVANT and not reason.strip():
                raise ValidationError({"reason": "Say why the study is not relevant."})
            return data

        form.clean = checked
        return form

    @admin.display(description="!", boolean=True)
    def alert(self, obj):
        return obj.is_alert

    @admin.display(description="Study", ordering="title")
    def study(self, obj):
        abstract = obj.abstract[:ABSTRACT_SHOWN] + (
            "…" if len(obj.abstract) > ABSTRACT_SHOWN else ""
        )
        return format_html(
            "<strong>{}</strong><br><small>{} {}</small><details><summary>Abstract</summary>"
            "<p>{}</p></details>",
            obj.title or "(no title)",
            obj.journal,
            obj.year,
            abstract or "No abstract.",
        )

    @admin.display(description="Publication types")
    def types(self, obj):
        return ", ".join(obj.publication_types)

    @admin.display(description="Identifiers")
    def identifiers(self, obj):
        return " · ".join(
            part for part in (f"PMID {obj.pmid}" if obj.pmid else "", obj.doi) if part
        )

    @admin.action(description="Relevant: add evidence", permissions=["change"])
    def add_evidence(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, ONE_AT_A_TIME, messages.ERROR)
            return None
        candidate = queryset.get()
        try:
            reference = candidate_include(candidate=candidate, actor=request.user)
        except (SourceError, InvalidIdentifier, ValidationError) as exc:
            self.message_user(
                request, "; ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
            )
            return None
        query = urlencode({"claim": candidate.claim_id, "reference": reference.pk})
        return redirect(f"{reverse('admin:evidence_evidence_add')}?{query}")

    @admin.action(description="Not relevant (with the reason typed above)", permissions=["change"])
    def mark_not_relevant(self, request, queryset):
        self._triage(request, queryset, Decision.NOT_RELEVANT)

    @admin.action(description="Later", permissions=["change"])
    def mark_later(self, request, queryset):
        self._triage(request, queryset, Decision.LATER)

    def _triage(self, request, queryset, decision: str) -> None:
        reason = request.POST.get("reason", "")
        try:
            with transaction.atomic():
                for candidate in queryset:
                    candidate_triage(
                        candidate=candidate, decision=decision, reason=reason, actor=request.user
                    )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        label = Decision(decision).label.lower()
        self.message_user(request, TRIAGED.format(count=len(queryset), decision=label))


class OpenFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("dismissed", "Dismissed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "dismissed":
            return queryset.filter(dismissed_at__isnull=False)
        return queryset


@admin.register(RecordAlert)
class RecordAlertAdmin(admin.ModelAdmin):
    """A cited reference's new notice, per citing claim: the top of the inbox."""

    list_display = ["reference", "state", "claim", "notice", "created", "dismissed_by"]
    list_filter = [OpenFilter, "state", "claim"]
    list_select_related = ["claim", "reference", "dismissed_by"]
    search_fields = ["claim__slug", "reference__citekey", "notice"]
    actions = ["dismiss"]
    readonly_fields = [f.name for f in RecordAlert._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False  # alerts come from recorded retractions

    def changelist_view(self, request, extra_context=None):
        if not request.GET and request.method == "GET":
            return redirect(f"{request.path}?status=open")
        return super().changelist_view(request, extra_context)

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss(self, request, queryset):
        count = record_alerts_dismiss(alerts=queryset, actor=request.user)
        self.message_user(request, f"Dismissed {count} alert(s).")


def alert_counts(user) -> list[dict]:
    """Open record alerts per claim, most first, for the admin index (one query)."""
    if not user.has_perm("evidence.view_recordalert"):
        return []
    return list(
        RecordAlert.objects.open()
        .values("claim", "claim__slug", "claim__statement")
        .annotate(n=Count("pk"))
        .order_by("-n", "claim__slug")[:20]
    )


def inbox_counts(user) -> list[dict]:
    """Untriaged candidates per claim, most first, for the admin index (one query)."""
    if not user.has_perm("evidence.view_candidate"):
        return []
    return list(
        Candidate.objects.untriaged()
        .values("claim", "claim__slug", "claim__statement")
        .annotate(n=Count("pk"))
        .order_by("-n", "claim__slug")[:20]
    )
