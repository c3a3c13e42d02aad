"""Review with four eyes: buttons on the claim page, review notes, changes since publication."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from claims.admin import NEVER_PUBLISHED
from claims.models import Claim, ReviewNote
from claims.services import (
    FOUR_EYES,
    claim_publish,
    claim_submit_for_review,
)
from evidence.services import claim_regrade
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def graded_claim(status="draft", **fields):
    claim = ClaimFactory(status=status, **fields)
    EvidenceFactory(claim=claim)
    claim_regrade(claim=claim)
    return claim


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def step_url(claim, step):
    return reverse("admin:claims_claim_workflow", args=[claim.pk, step])


def test_the_submitter_cannot_publish_and_a_second_curator_can(curator):
    claim = graded_claim()
    claim_submit_for_review(claim=claim, actor=curator)
    with pytest.raises(Exception, match=FOUR_EYES):
        claim_publish(claim=claim, actor=curator)
    reviewer = CuratorFactory()
    claim_publish(claim=claim, actor=reviewer)
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by, claim.reviewed_at) == (
        "published",
        curator,
        claim.published_at,
    )
    assert claim.reviewed_at is not None


def test_four_eyes_can_be_turned_off_for_a_one_person_install(curator, settings):
    settings.LEDGER_FOUR_EYES = False
    claim = graded_claim()
    claim_submit_for_review(claim=claim, actor=curator)
    claim_publish(claim=claim, actor=curator)
    assert claim.status == "published"


def test_four_eyes_in_the_admin_buttons(client, curator):
    claim = graded_claim(statement="Progesterone raises spinal bone density.")
    client.force_login(curator)
    page = client.get(change_url(claim)).content.decode()
    assert 'class="button workflow-submit"' in page
    client.post(step_url(claim, "submit"))
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by) == ("in_review", curator)

    refused = client.post(step_url(claim, "publish"))
    assert refused.status_code == 302
    assert texts(refused)[-1] == f"“Progesterone raises spinal bone density.”: {FOUR_EYES}"
    assert Claim.objects.get(pk=claim.pk).status == "in_review"

    client.force_login(CuratorFactory())
    done = client.post(step_url(claim, "publish"))
    assert texts(done)[-1] == "Published: “Progesterone raises spinal bone density.”"
    claim.refresh_from_db()
    assert claim.status == "published"
    assert claim.reviewed_at is not None


def test_return_to_draft_and_retract_buttons(curator_client, curator):
    claim = graded_claim()
    claim_submit_for_review(claim=claim, actor=CuratorFactory())
    page = curator_client.get(change_url(claim)).content.decode()
    assert "workflow-publish" in page
    assert "workflow-return-to-draft" in page
    curator_client.post(step_url(claim, "return-to-draft"))
    assert Claim.objects.get(pk=claim.pk).status == "draft"

    published = graded_claim(status="published")
    form = curator_client.get(step_url(published, "retract"))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    curator_client.post(step_url(published, "retract"), {"reason": "The trial was retracted."})
    published.refresh_from_db()
    assert (published.status, published.retraction_reason) == (
        "retracted",
        "The trial was retracted.",
    )


def test_a_workflow_step_needs_a_post(curator_client):
    claim = graded_claim()
    assert curator_client.get(step_url(claim, "submit")).status_code == 405
    assert Claim.objects.get(pk=claim.pk).status == "draft"


def test_readers_without_change_permission_get_no_buttons(client):
    claim = graded_claim()
    client.force_login(UserFactory(is_staff=True))
    assert client.post(step_url(claim, "submit")).status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == "draft"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def claim_post_data(claim, **fields):
    """The claim change form as the admin renders it, with no inline rows changed."""
    return {
        "statement": claim.statement,
        "slug": claim.slug,
        "summary": claim.summary,
        "source_text": claim.source_text,
        "population": claim.population,
        "question": claim.question,
        "cell_species": claim.cell_species,
        "mid_scale": claim.mid_scale,
        "claimed_direction": claim.claimed_direction,
        "pooled_measure": claim.pooled_measure,
        "grade_override": claim.grade_override,
        "override_rationale": claim.override_rationale,
        **management("evidence", 0),
        **management("relations_from", 0),
        **management("review_notes", 0),
        **fields,
    }


def test_a_review_note_is_kept_beside_the_claim_with_its_author(curator_client, curator):
    claim = graded_claim()
    data = {
        **claim_post_data(claim),
        **management("review_notes", 1),
        "review_notes-0-text": "Check the sample size in table 2.",
    }
    response = curator_client.post(change_url(claim), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    note = ReviewNote.objects.get()
    assert (note.claim, note.author, note.resolved) == (claim, curator, False)
    page = curator_client.get(change_url(claim)).content.decode()
    assert "Check the sample size in table 2." in page


def test_the_claim_page_shows_what_changed_since_the_last_published_version(curator_client):
    claim = graded_claim(summary="Mice lacking the receptor had more bone.")
    assert NEVER_PUBLISHED in curator_client.get(change_url(claim)).content.decode()
    claim_submit_for_review(claim=claim, actor=CuratorFactory())
    claim_publish(claim=claim, actor=CuratorFactory())
    data = claim_post_data(claim, summary="Mice lacking the receptor had much more bone.")
    assert curator_client.post(change_url(claim), data).status_code == 302
    page = curator_client.get(change_url(claim)).content.decode()
    # A published claim's edit is staged: the pending revision shows it, word by word.
    assert 'class="pending-revision"' in page
    assert "<ins>much </ins>" in page
    assert Claim.objects.get(pk=claim.pk).summary == "Mice lacking the receptor had more bone."


def test_grade_history_is_a_table_and_reasons_a_list(curator_client):
    claim = graded_claim()
    page = curator_client.get(change_url(claim)).content.decode()
    assert '<table class="grade-history"><thead><tr><th>Date</th>' in page
    assert '<ul class="grade-reasons"><li>' in page
    assert "field-grade_reasons" not in page


def test_a_grade_override_in_the_admin_goes_through_the_service(curator_client, curator):
    claim = graded_claim()
    data = claim_post_data(claim, grade_override="low", override_rationale="Small trials.")
    assert curator_client.post(change_url(claim), data).status_code == 302
    claim.refresh_from_db()
    assert (claim.grade_override, claim.override_rationale) == ("low", "Small trials.")
    latest = claim.history.latest("history_id")
    reasons = list(claim.history.values_list("history_change_reason", flat=True))
    assert "grade override set" in reasons
    assert latest.history_user == curator
    refused = curator_client.post(change_url(claim), claim_post_data(claim, override_rationale=""))
    assert refused.status_code == 200


def test_the_claim_list_counts_open_notes_and_filters_what_awaits_my_review(
    curator_client, curator
):
    mine = graded_claim(status="draft")
    theirs = graded_claim(status="draft")
    claim_submit_for_review(claim=mine, actor=curator)
    claim_submit_for_review(claim=theirs, actor=CuratorFactory())
    ReviewNote.objects.create(claim=theirs, text="Check table 2.")
    ReviewNote.objects.create(claim=theirs, text="Done.", resolved=True)
    url = reverse("admin:claims_claim_changelist")
    rows = curator_client.get(url).context["cl"].result_list
    assert {row.pk: row.open_notes_count for row in rows} == {mine.pk: 0, theirs.pk: 1}
    awaiting = curator_client.get(url, {"review": "mine"}).context["cl"].result_list
    assert [row.pk for row in awaiting] == [theirs.pk]
