"""The curation workflow and the grade override, through claims.services."""

import pytest
from django.core.exceptions import ValidationError

from claims.models import OVERRIDE_NEEDS_RATIONALE, RATIONALE_NEEDS_OVERRIDE, Claim
from claims.services import (
    CANNOT_PUBLISH,
    CANNOT_RETRACT,
    CANNOT_RETURN_TO_DRAFT,
    CANNOT_SUBMIT,
    OVERRIDE_CLEARED,
    OVERRIDE_SET,
    PUBLISH_NEEDS_EVIDENCE,
    PUBLISH_NEEDS_GRADE,
    RETRACTION_NEEDS_REASON,
    claim_override_grade,
    claim_publish,
    claim_retract,
    claim_return_to_draft,
    claim_submit_for_review,
)
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def graded_claim(status="draft"):
    claim = ClaimFactory(status=status)
    EvidenceFactory(claim=claim)
    claim_regrade(claim=claim)
    return claim


def test_a_claim_goes_from_draft_to_retracted_recording_who_and_when(curator):
    claim = graded_claim()
    claim_submit_for_review(claim=claim, actor=curator)
    assert claim.status == "in_review"
    reviewer = type(curator).objects.create(username="reviewer")
    claim_publish(claim=claim, actor=reviewer)
    assert (claim.status, claim.curator) == ("published", reviewer)
    assert claim.published_at is not None
    claim_retract(claim=claim, actor=curator, reason="  The trial was retracted.  ")
    claim.refresh_from_db()
    assert (claim.status, claim.retraction_reason) == ("retracted", "The trial was retracted.")
    assert claim in Claim.objects.public()
    rows = claim.history.exclude(history_user=None).order_by("history_id")
    assert [(r.status, r.history_change_reason, r.history_user) for r in rows] == [
        ("in_review", "submitted for review", curator),
        ("published", "published", reviewer),
        ("retracted", "retracted", curator),
    ]


def test_publishing_keeps_an_existing_curator(curator):
    claim = graded_claim(status="in_review")
    owner = type(curator).objects.create(username="owner")
    Claim.objects.filter(pk=claim.pk).update(curator=owner)
    claim_publish(claim=claim, actor=curator)
    assert claim.curator == owner


def test_a_claim_in_review_returns_to_draft():
    claim = graded_claim(status="in_review")
    claim_return_to_draft(claim=claim)
    claim.refresh_from_db()
    assert claim.status == "draft"


def retract_for_fraud(**kwargs):
    return claim_retract(reason="Fraud.", **kwargs)


TRANSITIONS = [
    (claim_submit_for_review, "draft", CANNOT_SUBMIT),
    (claim_publish, "in_review", CANNOT_PUBLISH),
    (claim_return_to_draft, "in_review", CANNOT_RETURN_TO_DRAFT),
    (retract_for_fraud, "published", CANNOT_RETRACT),
]
INVALID = [
    (service, status, message)
    for service, allowed, message in TRANSITIONS
    for status in ("draft", "in_review", "published", "retracted")
    if status != allowed
]


@pytest.mark.parametrize(("service", "status", "message"), INVALID)
def test_the_workflow_refuses_invalid_transitions(service, status, message):
    claim = graded_claim(status=status)
    versions = claim.history.count()
    with pytest.raises(ValidationError) as error:
        service(claim=claim)
    assert error.value.messages == [message]
    claim.refresh_from_db()
    assert claim.status == status
    assert claim.history.count() == versions


def test_the_workflow_checks_the_stored_status_not_a_stale_instance():
    claim = graded_claim(status="in_review")
    stale = Claim.objects.get(pk=claim.pk)
    claim_publish(claim=claim)
    with pytest.raises(ValidationError, match=CANNOT_PUBLISH):
        claim_publish(claim=stale)


def test_publishing_needs_evidence():
    claim = ClaimFactory(status="in_review")
    with pytest.raises(ValidationError) as error:
        claim_publish(claim=claim)
    assert error.value.messages == [PUBLISH_NEEDS_EVIDENCE]
    claim.refresh_from_db()
    assert (claim.status, claim.published_at) == ("in_review", None)


def test_publishing_needs_a_computed_grade():
    claim = ClaimFactory(status="in_review")
    EvidenceFactory(claim=claim)  # written around the services: never graded
    with pytest.raises(ValidationError) as error:
        claim_publish(claim=claim)
    assert error.value.messages == [PUBLISH_NEEDS_GRADE]


@pytest.mark.parametrize("reason", ["", "   "])
def test_retraction_needs_a_reason(reason):
    claim = graded_claim(status="published")
    with pytest.raises(ValidationError) as error:
        claim_retract(claim=claim, reason=reason)
    assert error.value.messages == [RETRACTION_NEEDS_REASON]
    claim.refresh_from_db()
    assert (claim.status, claim.retraction_reason) == ("published", "")


def test_an_override_sits_beside_the_computed_grade(curator):
    claim = graded_claim()
    claim_override_grade(
        claim=claim, level="very_low", rationale="Surrogate outcome.", actor=curator
    )
    claim.refresh_from_db()
    assert (claim.grade_level, claim.grade_override, claim.effective_level) == (
        "low",
        "very_low",
        "very_low",
    )
    claim_override_grade(claim=claim, level="", rationale="", actor=curator)
    claim.refresh_from_db()
    assert (claim.grade_override, claim.effective_level) == ("", "low")
    reasons = claim.history.filter(history_user=curator).order_by("history_id")
    assert [r.history_change_reason for r in reasons] == [OVERRIDE_SET, OVERRIDE_CLEARED]


@pytest.mark.parametrize(
    ("level", "rationale", "field", "message"),
    [
        ("low", "  ", "override_rationale", OVERRIDE_NEEDS_RATIONALE),
        ("", "Because.", "grade_override", RATIONALE_NEEDS_OVERRIDE),
    ],
)
def test_an_override_and_its_rationale_go_together(level, rationale, field, message):
    claim = graded_claim()
    with pytest.raises(ValidationError) as error:
        claim_override_grade(claim=claim, level=level, rationale=rationale)
    assert error.value.message_dict == {field: [message]}
    claim.refresh_from_db()
    assert (claim.grade_override, claim.override_rationale) == ("", "")
