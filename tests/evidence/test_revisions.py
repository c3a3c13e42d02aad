"""Staged revisions (evidence.revisions): a public claim changes only when a second curator
approves; authors never approve or publish their own work."""

import pytest
from django.core.exceptions import ValidationError

from claims.models import Claim, ClaimRevision
from claims.services import (
    AUTHOR_CANNOT_PUBLISH,
    claim_publish,
    claim_submit_for_review,
)
from evidence.models import CI_ORDER, Evidence
from evidence.revisions import (
    AUTHOR_CANNOT_APPROVE,
    CLAIM_NOT_STAGED,
    EVIDENCE_NOT_STAGED,
    KEEPS_EVIDENCE,
    NOT_PENDING,
    NOT_PUBLIC,
    ItemChange,
    claim_revision_approve,
    claim_revision_create,
    claim_revision_discard,
    live_snapshot,
    revision_changes,
)
from evidence.services import claim_regrade, evidence_create
from tests.concurrency import run_together
from tests.factories import (
    ClaimFactory,
    CuratorFactory,
    EvidenceFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db
OLD = "Progesterone receptors are expressed by osteoblasts."
NEW = "Osteoblasts do NOT express progesterone receptors."


@pytest.fixture
def published():
    claim = ClaimFactory(status="published", statement=OLD)
    EvidenceFactory(claim=claim, risk_of_bias="low", effect_value=1.0, ci_low=0.5, ci_high=1.5)
    claim_regrade(claim=claim)
    return claim


def stored(claim):
    return Claim.objects.get(pk=claim.pk)


def test_a_change_to_a_published_claim_is_staged_and_the_live_claim_is_untouched(published):
    author = CuratorFactory()
    updated = stored(published).updated

    revision = claim_revision_create(claim=published, actor=author, fields={"statement": NEW})

    assert revision.status == "pending"
    assert list(revision.authors.all()) == [author]
    assert (stored(published).statement, stored(published).updated) == (OLD, updated)
    [change] = revision_changes(revision)
    assert (change.label, change.live, change.pending) == ("Statement", OLD, NEW)
    assert {("removed", "Progesterone"), ("added", "Osteoblasts"), ("added", "NOT")} <= set(
        change.runs
    )


def test_the_author_cannot_approve_and_another_curator_can(published):
    author, reviewer = CuratorFactory(), CuratorFactory()
    revision = claim_revision_create(claim=published, actor=author, fields={"statement": NEW})

    with pytest.raises(ValidationError, match=AUTHOR_CANNOT_APPROVE):
        claim_revision_approve(revision=revision, actor=author)
    assert stored(published).statement == OLD

    claim_revision_approve(revision=revision, actor=reviewer)
    assert stored(published).statement == NEW
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by, revision.decided_at is not None) == (
        "approved",
        reviewer,
        True,
    )
    row = stored(published).history.order_by("-history_id").first()
    assert row.history_user == reviewer
    assert row.history_change_reason == f"revision {revision.pk} approved (written by {author})"


def test_every_author_of_a_revision_is_refused(published):
    first, second = CuratorFactory(), CuratorFactory()
    claim_revision_create(claim=published, actor=first, fields={"statement": NEW})
    revision = claim_revision_create(claim=published, actor=second, fields={"summary": "Why."})

    assert ClaimRevision.objects.filter(claim=published).count() == 1
    assert revision.snapshot["claim"]["statement"] == NEW  # the second change adds to the first
    assert set(revision.authors.all()) == {first, second}
    for author in (first, second):
        with pytest.raises(ValidationError, match=AUTHOR_CANNOT_APPROVE):
            claim_revision_approve(revision=revision, actor=author)


def test_approve_applies_statement_and_evidence_stance_effect_and_risk_of_bias(published):
    item = published.evidence.get()
    grade = stored(published).grade_level
    change = ItemChange(
        id=item.pk,
        fields={
            "stance": "contradicts",
            "effect_value": -1.0,
            "ci_low": -1.5,
            "ci_high": -0.5,
            "risk_of_bias": "high",
        },
    )
    author, reviewer = CuratorFactory(), CuratorFactory()
    revision = claim_revision_create(
        claim=published, actor=author, fields={"statement": NEW}, items=[change]
    )
    live = Evidence.objects.get(pk=item.pk)
    assert (live.stance, live.effect_value, live.risk_of_bias) == ("supports", 1.0, "low")

    claim_revision_approve(revision=revision, actor=reviewer)

    item.refresh_from_db()
    assert (item.stance, item.effect_value, item.ci_low, item.ci_high, item.risk_of_bias) == (
        "contradicts",
        -1.0,
        -1.5,
        -0.5,
        "high",
    )
    claim = stored(published)
    assert claim.statement == NEW
    assert claim.grade_direction == "contradicted"  # regraded from the approved evidence
    assert (grade, claim.grade_level) != ("", "")


def test_items_added_and_removed_in_a_revision_appear_only_on_approval(published):
    old_item = published.evidence.get()
    reference = ReferenceFactory()
    author = CuratorFactory()
    new = {"reference": reference, "stance": "supports", "design": "cohort"}
    revision = claim_revision_create(
        claim=published,
        actor=author,
        items=[
            ItemChange(fields={**new, "population": "humans"}),
            ItemChange(id=old_item.pk, remove=True),
        ],
    )
    assert list(published.evidence.values_list("pk", flat=True)) == [old_item.pk]

    claim_revision_approve(revision=revision, actor=CuratorFactory())

    [item] = published.evidence.all()
    assert (item.reference, item.design, item.curator) == (reference, "cohort", author)


def test_discard_drops_the_revision_and_leaves_the_live_claim(published):
    author = CuratorFactory()
    revision = claim_revision_create(claim=published, actor=author, fields={"statement": NEW})

    claim_revision_discard(revision=revision, actor=author)

    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == ("discarded", author)
    assert stored(published).statement == OLD
    with pytest.raises(ValidationError, match=NOT_PENDING):
        claim_revision_approve(revision=revision, actor=CuratorFactory())
    assert stored(published).statement == OLD


def test_a_failed_approve_leaves_nothing_half_applied(published):
    reference = ReferenceFactory()
    item = published.evidence.get()
    revision = claim_revision_create(
        claim=published,
        actor=CuratorFactory(),
        fields={"statement": NEW},
        items=[
            ItemChange(id=item.pk, fields={"stance": "contradicts"}),
            ItemChange(
                fields={
                    "reference": reference,
                    "stance": "supports",
                    "design": "rct",
                    "population": "humans",
                }
            ),
        ],
    )
    reference.delete()  # the new item's reference is gone by the time of approval
    history = stored(published).history.count()

    with pytest.raises(ValidationError):
        claim_revision_approve(revision=revision, actor=CuratorFactory())

    assert stored(published).statement == OLD
    assert Evidence.objects.get(pk=item.pk).stance == "supports"
    assert published.evidence.count() == 1
    assert stored(published).history.count() == history
    revision.refresh_from_db()
    assert revision.status == "pending"


def test_an_invalid_pending_version_is_refused_and_nothing_is_staged(published):
    item = published.evidence.get()
    author = CuratorFactory()

    with pytest.raises(ValidationError) as refused:
        claim_revision_create(
            claim=published, actor=author, items=[ItemChange(id=item.pk, fields={"ci_low": 2.0})]
        )
    assert refused.value.message_dict == {"ci_low": [CI_ORDER]}
    with pytest.raises(ValidationError, match=KEEPS_EVIDENCE):
        claim_revision_create(
            claim=published, actor=author, items=[ItemChange(id=item.pk, remove=True)]
        )
    assert not ClaimRevision.objects.exists()


def test_a_change_that_changes_nothing_stages_nothing(published):
    assert (
        claim_revision_create(claim=published, actor=CuratorFactory(), fields={"statement": OLD})
        is None
    )
    assert not ClaimRevision.objects.exists()


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_drafts_and_claims_in_review_have_no_revisions(status):
    claim = ClaimFactory(status=status)
    EvidenceFactory(claim=claim)
    with pytest.raises(ValidationError, match=NOT_PUBLIC):
        claim_revision_create(claim=claim, actor=CuratorFactory(), fields={"statement": NEW})


def test_a_retracted_claim_is_staged_too(published):
    Claim.objects.filter(pk=published.pk).update(status="retracted", retraction_reason="Fraud.")
    revision = claim_revision_create(
        claim=published, actor=CuratorFactory(), fields={"statement": NEW}
    )
    assert revision.status == "pending"
    assert stored(published).statement == OLD


def test_the_snapshot_holds_every_editable_field_of_both_models(published):
    """A field added to Claim or Evidence is staged with no change to evidence.revisions."""
    snapshot = live_snapshot(published)

    def editable(model, excluded):
        fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
        return {f.name for f in fields if f.editable} - excluded

    assert set(snapshot["claim"]) == editable(Claim, CLAIM_NOT_STAGED)
    assert set(snapshot["evidence"][0]) == editable(Evidence, EVIDENCE_NOT_STAGED) | {"id"}
    assert {"statement", "topics", "population", "mid"} <= set(snapshot["claim"])
    assert {"stance", "effect_value", "risk_of_bias", "covers"} <= set(snapshot["evidence"][0])


def test_a_curator_who_wrote_the_claim_cannot_publish_it_even_if_another_submitted_it():
    writer, submitter = CuratorFactory(), CuratorFactory()
    claim = ClaimFactory(status="draft")
    evidence_create(
        claim=claim,
        reference=ReferenceFactory(),
        actor=writer,
        stance="supports",
        design="rct",
        population="humans",
    )
    claim_submit_for_review(claim=claim, actor=submitter)

    with pytest.raises(ValidationError, match=AUTHOR_CANNOT_PUBLISH):
        claim_publish(claim=claim, actor=writer)
    assert stored(claim).status == "in_review"

    claim_publish(claim=claim, actor=CuratorFactory())
    assert stored(claim).status == "published"


def test_the_claim_curator_cannot_publish_it():
    owner = CuratorFactory()
    claim = ClaimFactory(status="draft", curator=owner)
    EvidenceFactory(claim=claim)
    claim_regrade(claim=claim)
    claim_submit_for_review(claim=claim, actor=CuratorFactory())
    with pytest.raises(ValidationError, match=AUTHOR_CANNOT_PUBLISH):
        claim_publish(claim=claim, actor=owner)


@pytest.mark.django_db(transaction=True)
def test_two_curators_approving_at_once_apply_it_once():
    claim = ClaimFactory(status="published", statement=OLD)
    EvidenceFactory(claim=claim)
    revision = claim_revision_create(claim=claim, actor=CuratorFactory(), fields={"statement": NEW})
    reviewers = [CuratorFactory(), CuratorFactory()]

    errors = run_together(
        *(
            lambda reviewer=reviewer: claim_revision_approve(
                revision=ClaimRevision.objects.get(pk=revision.pk), actor=reviewer
            )
            for reviewer in reviewers
        )
    )

    assert [error.messages for error in errors] == [[NOT_PENDING]]
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by in reviewers) == ("approved", True)
    approvals = stored(claim).history.filter(history_change_reason__startswith="revision")
    assert approvals.count() == 2  # the claim's save and its regrade, by one approval
