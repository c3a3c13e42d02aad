"""The admin regrades after every evidence change and moves claims only through the services."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.models import Claim
from claims.services import CANNOT_PUBLISH
from evidence.models import Evidence
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:claims_claim_changelist"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# What the admin's evidence form sends for the fields a reviewer leaves at their defaults.
EVIDENCE_DEFAULTS = {
    "via": "direct",
    "population_match": "direct",
    "intervention_match": "direct",
    "comparator_match": "direct",
    "outcome_match": "direct",
    "ci_source": "reported",
    "same_direction": "unknown",
    "small_study_effects": "not_assessed",
    "dose_response": "not_assessed",
    "funding": "not_reported",
    "source_access": "full_text",
    "randomised": "not_reported",
    "rob_tool": "",
}


def claim_form(reference, **evidence):
    row = {
        "stance": "supports",
        "design": "animal",
        "population": "animals",
        **EVIDENCE_DEFAULTS,
        **evidence,
    }
    return {
        "statement": "Progesterone builds bone in mice.",
        "slug": "progesterone-builds-bone",
        "population": "humans",
        "question": "effect",
        "cell_species": "any",
        "mid_scale": "difference",
        "claimed_direction": "unspecified",
        "pooled_measure": "difference",
        **management("evidence", 1),
        **{f"evidence-0-{name}": value for name, value in row.items()},
        "evidence-0-reference": str(reference.pk),
        "evidence-0-effect_measure": "difference",
        "evidence-0-risk_of_bias": "not_assessed",
        **management("relations_from", 0),
        **management("review_notes", 0),
    }


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_adding_a_claim_with_evidence_inline_grades_it(curator_client, curator):
    response = curator_client.post(
        reverse("admin:claims_claim_add"), claim_form(ReferenceFactory(), sample_size="60")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim = Claim.objects.get()
    # grade-3: an animal experiment (not randomised) starts low; animals for a humans claim -2.
    assert (claim.status, claim.grade_level, claim.grade_direction) == (
        "draft",
        "very_low",
        "supported",
    )
    assert claim.history.latest("history_id").history_user == curator


def test_the_change_form_cannot_set_the_status(curator_client):
    data = {**claim_form(ReferenceFactory()), "status": "published"}
    curator_client.post(reverse("admin:claims_claim_add"), data)
    assert Claim.objects.get().status == "draft"


def test_saving_an_evidence_item_in_its_admin_regrades_the_claim(curator_client):
    item = EvidenceFactory(design="rct", sample_size=1000)
    claim_regrade(claim=item.claim)
    url = reverse("admin:evidence_evidence_change", args=[item.pk])
    data = {
        "claim": item.claim.pk,
        "reference": item.reference.pk,
        "outcome": item.outcome,
        "stance": "contradicts",
        "design": "cohort",
        "population": "humans",
        "sample_size": "1000",
        "effect_measure": "difference",
        "risk_of_bias": "low",
        **EVIDENCE_DEFAULTS,
    }
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.claim.refresh_from_db()
    assert (item.claim.grade_level, item.claim.grade_direction) == ("low", "contradicted")


def test_deleting_an_evidence_item_in_its_admin_regrades_the_claim(admin_client):
    item = EvidenceFactory()
    claim_regrade(claim=item.claim)
    url = reverse("admin:evidence_evidence_delete", args=[item.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    item.claim.refresh_from_db()
    assert (Evidence.objects.count(), item.claim.grade_level) == (0, "insufficient")


def test_bulk_deleting_evidence_regrades_each_claim(admin_client):
    items = [EvidenceFactory(), EvidenceFactory()]
    data = {"action": "delete_selected", "_selected_action": [i.pk for i in items], "post": "yes"}
    admin_client.post(reverse("admin:evidence_evidence_changelist"), data)
    levels = set(Claim.objects.values_list("grade_level", "grade_direction"))
    assert levels == {("insufficient", "none")}


def test_publish_action_reports_each_refused_claim(curator_client):
    # Refusals name the claim by its statement, not its slug.
    ready, draft = ClaimFactory(status="in_review"), ClaimFactory(status="draft", slug="rough")
    EvidenceFactory(claim=ready)
    claim_regrade(claim=ready)
    data = {"action": "publish", "_selected_action": [ready.pk, draft.pk]}
    response = curator_client.post(reverse(CHANGELIST), data)
    assert response.status_code == 302
    assert sorted(texts(response)) == [
        "Published: 1 claim(s).",
        f"“{draft.statement}”: {CANNOT_PUBLISH}",
    ]
    assert dict(Claim.objects.values_list("slug", "status")) == {
        ready.slug: "published",
        "rough": "draft",
    }


def test_submit_and_return_actions_move_claims(curator_client):
    claim = ClaimFactory(status="draft")
    data = {"action": "submit_for_review", "_selected_action": [claim.pk]}
    curator_client.post(reverse(CHANGELIST), data)
    claim.refresh_from_db()
    assert claim.status == "in_review"
    data["action"] = "return_to_draft"
    curator_client.post(reverse(CHANGELIST), data)
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_retract_action_asks_for_a_reason_first(curator_client, curator):
    claim = ClaimFactory(status="published")
    data = {"action": "retract", "_selected_action": [claim.pk]}
    response = curator_client.post(reverse(CHANGELIST), data)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/claims/claim/retract.html"
    claim.refresh_from_db()
    assert claim.status == "published"
    blank = curator_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": ""})
    assert blank.status_code == 200
    assert blank.context["form"].errors == {"reason": ["This field is required."]}
    done = curator_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": "Retracted."})
    assert done.status_code == 302
    assert texts(done) == ["Retracted: 1 claim(s)."]
    claim.refresh_from_db()
    assert (claim.status, claim.retraction_reason) == ("retracted", "Retracted.")
    assert claim.history.latest("history_id").history_user == curator


def test_change_form_shows_the_grade_history(curator_client):
    item = EvidenceFactory()
    claim_regrade(claim=item.claim)
    response = curator_client.get(reverse("admin:claims_claim_change", args=[item.claim.pk]))
    assert "<th>Why</th>" in response.content.decode()
    assert "regraded after evidence change" in response.content.decode()


def test_covers_set_in_the_evidence_admin_count_a_meta_analysis_once_with_its_trial(
    curator_client,
):
    # A trial published after the meta-analysis: only `covers` can say the review pools it.
    trial = EvidenceFactory(design="rct", sample_size=150, risk_of_bias="low", reference__year=2021)
    pooled = EvidenceFactory(
        claim=trial.claim, design="meta_analysis_rct", sample_size=300, risk_of_bias="low"
    )
    claim_regrade(claim=trial.claim)
    assert not any(r.startswith("Counted once") for r in trial.claim.grade_reasons)
    url = reverse("admin:evidence_evidence_change", args=[pooled.pk])
    data = {
        "claim": pooled.claim.pk,
        "reference": pooled.reference.pk,
        "outcome": pooled.outcome,
        "stance": "supports",
        "design": "meta_analysis_rct",
        "population": "humans",
        "sample_size": "300",
        "effect_measure": "difference",
        "risk_of_bias": "low",
        "covers": [trial.reference.pk],
        **EVIDENCE_DEFAULTS,
    }
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(pooled.covers.all()) == [trial.reference]
    trial.claim.refresh_from_db()
    assert any(r.startswith("Counted once") for r in trial.claim.grade_reasons)
