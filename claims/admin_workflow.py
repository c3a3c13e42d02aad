"""The claim workflow as buttons on the claim page: Submit for review, Publish, Return to
draft, Retract (which asks for a reason first). Each button posts to one admin view that calls
the step's service in claims.services and reports the outcome naming the claim's statement;
each step needs its permission (change, or Claim.Meta.permissions through
has_<name>_permission on the ModelAdmin). The same steps are list actions over the selected
claims (`WorkflowActionsMixin`), each refused claim reported by its statement."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator

from claims.models import Claim, Status
from claims.services import (
    claim_publish,
    claim_retract,
    claim_return_to_draft,
    claim_submit_for_review,
)
from config.admin_urls import admin_page_path


@dataclass(frozen=True)
class Step:
    """A workflow button on the claim page: its service, the status it starts from and the
    permission it needs ("change" or one of Claim.Meta.permissions via has_<name>_permission)."""

    label: str
    service: Callable
    done: str
    start: str
    permission: str


WORKFLOW_STEPS = {
    "submit": Step(
        "Submit for review", claim_submit_for_review, "Submitted for review", Status.DRAFT, "change"
    ),
    "publish": Step("Publish", claim_publish, "Published", Status.IN_REVIEW, "publish"),
    "return-to-draft": Step(
        "Return to draft", claim_return_to_draft, "Returned to draft", Status.IN_REVIEW, "publish"
    ),
    "retract": Step("Retract…", claim_retract, "Retracted", Status.PUBLISHED, "retract"),
}


def named(claim: Claim) -> str:
    """A claim as messages name it: its statement (shortened), in quotes."""
    return f"“{Truncator(claim.statement).chars(90)}”"


class RetractForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown to readers in a banner."
    )


class WorkflowButtonsMixin:
    """Adds the workflow buttons (template admin/claims/claim/change_form.html) and their view."""

    def get_urls(self):
        route = "<path:object_id>/workflow/<slug:step>/"
        return [admin_page_path(self, route, self.workflow_view, "workflow"), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_steps"] = self._steps(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _steps(self, request, claim) -> list[dict]:
        if claim is None:
            return []
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_workflow"
        return [
            {"step": key, "label": step.label, "url": reverse(name, args=[claim.pk, key])}
            for key, step in WORKFLOW_STEPS.items()
            if claim.status == step.start and self._may(request, claim, step)
        ]

    def _may(self, request, claim, step: Step) -> bool:
        if step.permission == "change":
            return self.has_change_permission(request, claim)
        return getattr(self, f"has_{step.permission}_permission")(request)

    def workflow_view(self, request, object_id, step):
        """POST: one workflow step through its service; retract asks for a reason first."""
        claim = self.get_object(request, unquote(object_id))
        if claim is None or step not in WORKFLOW_STEPS:
            raise Http404
        if not self._may(request, claim, WORKFLOW_STEPS[step]):
            raise PermissionDenied
        if step == "retract":
            return self._retract_one(request, claim)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._apply(request, claim, WORKFLOW_STEPS[step].service, WORKFLOW_STEPS[step].done)
        return redirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[claim.pk])
        )

    def _retract_one(self, request, claim):
        form = RetractForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            service = partial(claim_retract, reason=form.cleaned_data["reason"])
            self._apply(request, claim, service, "Retracted")
            return redirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[claim.pk]
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Retract claim",
            "opts": self.opts,
            "claims": [claim],
            "original": claim,
            "form": form,
        }
        return TemplateResponse(request, "admin/claims/claim/retract.html", context)

    def _apply(self, request, claim, service, done: str) -> bool:
        try:
            service(claim=claim, actor=request.user)
        except ValidationError as error:
            self.message_user(
                request, f"{named(claim)}: {' '.join(error.messages)}", messages.ERROR
            )
            return False
        # The quoted statement ends the sentence: no second full stop after its own.
        self.message_user(request, f"{done}: {named(claim)}", messages.SUCCESS)
        return True


class WorkflowActionsMixin:
    """For ClaimAdmin: the workflow steps as list actions over the selected claims."""

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
                    request, f"{named(claim)}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                moved += 1
        if moved:
            self.message_user(request, f"{done}: {moved} claim(s).", messages.SUCCESS)
