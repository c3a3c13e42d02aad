"""Relations of a public claim are staged like its evidence (evidence.revisions): a `part_of`
added to a published claim changes nothing readers see (its whole keeps its grade) until a
curator who did not write it approves; then both ends change in that one transaction."""

import pytest
from django.core.exceptions import ValidationError

from claims.models import Claim, ClaimRelation, ClaimRevision
from evidence.relations import relation_save
from evidence.revisions import (
    AUTHOR_CANNOT_APPROVE,
    DUPLICATE_RELATION,
    RELATION_TO_ITSELF,
    UNKNOWN_RELATION,
    RelationChange,
    claim_revision_approve,
    claim_revision_create,
    live_snapshot,
    revision_changes,
    staged_fields,
)
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db


@pytest.fixture
def part():
    return graded("bmd-spine")


@pytest.fixture
def whole():
    return graded("bone-health")


def stored(claim):
    return Claim.objects.get(pk=claim.pk)


def test_relations_are_staged_fields_of_the_snapshot(part, whole):
    relation = ClaimRelation.objects.create(from_claim=part, to_claim=whole, kind="refines")
    assert [f.name for f in staged_fields(ClaimRelation)] == ["to_claim", "kind", "note"]
    assert live_snapshot(part)["relations"] == [
        {"id": relation.pk, "to_claim": whole.pk, "kind": "refines", "note": ""}
    ]
    assert live_snapshot(whole)["relations"] == []  # a relation belongs to its from_claim


def test_a_part_of_added_to_a_published_claim_waits_for_a_second_curator(part, whole):
    grade = (whole.grade_level, whole.grade_direction, whole.graded_at, whole.updated)
    assert whole.grade_level not in ("", "not_graded")
    author, reviewer = CuratorFactory(), CuratorFactory()
    change = RelationChange(fields={"to_claim": whole, "kind": "part_of", "note": "Spine BMD."})

    revision = claim_revision_create(claim=part, actor=author, relations=[change])

    assert not ClaimRelation.objects.exists()
    after = stored(whole)
    assert (after.grade_level, after.grade_direction, after.graded_at, after.updated) == grade
    [shown] = revision_changes(revision)
    assert (shown.label, shown.live, shown.pending) == (
        "Relation: Part of bone-health: added",
        "",
        "Part of bone-health: Spine BMD.",
    )
    with pytest.raises(ValidationError, match=AUTHOR_CANNOT_APPROVE):
        claim_revision_approve(revision=revision, actor=author)
    assert not ClaimRelation.objects.exists()

    claim_revision_approve(revision=revision, actor=reviewer)

    relation = ClaimRelation.objects.get()
    assert (relation.from_claim, relation.to_claim, relation.kind, relation.note) == (
        stored(part),
        stored(whole),
        "part_of",
        "Spine BMD.",
    )
    after = stored(whole)
    assert (after.grade_level, after.grade_direction) == ("not_graded", "none")
    assert after.updated > grade[3]  # its page version moved: the page lists its parts
    row = after.history.order_by("-history_id").first()
    assert (row.history_user, row.history_change_reason) == (
        reviewer,
        f"revision {revision.pk} approved (written by {author})",
    )


def test_a_changed_and_a_removed_relation_are_staged_then_written_and_both_ends_regraded(
    part, whole
):
    other = graded("bone-loss")
    kept = relation_save(
        relation=ClaimRelation(from_claim=part, to_claim=other, kind="refines"), actor=None
    )
    gone = relation_save(
        relation=ClaimRelation(from_claim=part, to_claim=whole, kind="part_of"), actor=None
    )
    assert stored(whole).grade_level == "not_graded"
    author, reviewer = CuratorFactory(), CuratorFactory()
    changes = [
        RelationChange(id=kept.pk, fields={"kind": "depends_on", "note": "Needs it."}),
        RelationChange(id=gone.pk, remove=True),
    ]

    revision = claim_revision_create(claim=part, actor=author, relations=changes)

    assert {(c.label, c.live, c.pending) for c in revision_changes(revision)} == {
        ("Relation: Depends on bone-loss: Kind", "Refines", "Depends on"),
        ("Relation: Depends on bone-loss: Note", "", "Needs it."),
        ("Relation: Part of bone-health: removed", "Part of bone-health", ""),
    }
    assert ClaimRelation.objects.filter(pk=gone.pk).exists()
    assert stored(whole).grade_level == "not_graded"

    claim_revision_approve(revision=revision, actor=reviewer)

    assert list(ClaimRelation.objects.values_list("pk", "kind", "note")) == [
        (kept.pk, "depends_on", "Needs it.")
    ]
    assert stored(whole).grade_level not in ("", "not_graded")  # graded again on its own


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ([RelationChange(fields={"to_claim": "self", "kind": "refines"})], RELATION_TO_ITSELF),
        (
            [
                RelationChange(fields={"to_claim": "whole", "kind": "refines"}),
                RelationChange(fields={"to_claim": "whole", "kind": "refines"}),
            ],
            DUPLICATE_RELATION.format(slug="bone-health", kind="refines"),
        ),
        ([RelationChange(fields={"to_claim": "whole", "kind": "cites"})], "not a valid choice"),
        ([RelationChange(id=123456, remove=True)], UNKNOWN_RELATION.format(id=123456)),
    ],
)
def test_an_invalid_pending_relation_is_refused_and_nothing_is_staged(
    part, whole, changes, message
):
    targets = {"self": part, "whole": whole}
    changes = [
        RelationChange(
            id=c.id,
            remove=c.remove,
            fields={k: targets.get(v, v) for k, v in c.fields.items()},
        )
        for c in changes
    ]
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        claim_revision_create(claim=part, actor=CuratorFactory(), relations=changes)
    assert not ClaimRevision.objects.exists()


def test_a_revision_staged_before_relations_were_leaves_them_as_they_are(part, whole):
    relation = relation_save(
        relation=ClaimRelation(from_claim=part, to_claim=whole, kind="part_of"), actor=None
    )
    revision = claim_revision_create(claim=part, actor=CuratorFactory(), fields={"summary": "Why."})
    del revision.snapshot["relations"]  # the shape of a revision stored before this change
    revision.save()

    assert [c.label for c in revision_changes(revision)] == ["Summary"]
    claim_revision_approve(revision=revision, actor=CuratorFactory())

    assert list(ClaimRelation.objects.values_list("pk", flat=True)) == [relation.pk]
    assert stored(part).summary == "Why."
