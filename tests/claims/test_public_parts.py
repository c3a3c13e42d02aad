"""A public claim's grade and page depend on public claims only (claims.access `counts_for`).

A draft made `part_of` a published claim changes nothing readers see of the whole: not its
stored grade, its API JSON or its page. Publishing the part (a reviewed step) regrades the
whole to "not graded, see its parts" in the same transaction, and the whole's page follows
at once, cache included. A draft whole counts every part, so curators see what publishing
would do, and the claim admin says which parts count and which wait.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from claims.admin_parts import REGRADED_ON_PUBLISH, WAITS
from claims.models import Claim, ClaimRelation
from claims.services import (
    PUBLISH_PARTS_FIRST,
    claim_publish,
    claim_retract,
    claim_submit_for_review,
)
from evidence.facts import parts_by_claim
from evidence.relations import STATUS_CHANGED, relation_save, status_change_regrade
from evidence.services import claim_regrade, claims_regrade
from evidence.wording import COMPOUND
from tests.factories import CuratorFactory
from tests.factories import graded_claim as graded

pytestmark = pytest.mark.django_db


def stored(claim):
    return Claim.objects.get(pk=claim.pk)


def grade_of(claim) -> tuple:
    claim = stored(claim)
    return (claim.grade_level, claim.grade_direction, claim.grade_reasons, claim.graded_at)


def reader_view(claim) -> tuple:
    """What an anonymous reader gets of `claim`: its page, its API detail and list row."""
    reader = APIClient()
    page = reader.get(claim.get_absolute_url())
    assert page.status_code == 200
    detail = reader.get(f"/api/claims/{claim.slug}/").json()
    [row] = [
        row for row in reader.get("/api/claims/").json()["results"] if row["slug"] == claim.slug
    ]
    return page.content.decode(), detail, row


def publish(claim):
    """Submitted by one curator, published by another (four eyes)."""
    claim_submit_for_review(claim=claim, actor=CuratorFactory())
    return claim_publish(claim=claim, actor=CuratorFactory())


@pytest.fixture
def whole():
    """A published claim graded on its own evidence."""
    return graded("bone-health")


@pytest.fixture
def part():
    return graded("bmd-spine", status="draft")


def relate(part, whole):
    """`part` part of `whole`, as a curator writes a draft's relation: at once, both ends
    regraded (`POST /api/claims/<part>/relations/`)."""
    curator = APIClient()
    curator.force_authenticate(CuratorFactory())
    given = {"to_claim": whole.slug, "kind": "part_of"}
    response = curator.post(f"/api/claims/{part.slug}/relations/", given, format="json")
    assert response.status_code == 201, response.content


def test_a_draft_made_part_of_a_published_claim_changes_nothing_readers_see(whole, part):
    grade, before = grade_of(whole), reader_view(whole)
    assert grade[0] not in ("", "not_graded")

    relate(part, whole)
    claim_regrade(claim=whole)
    claims_regrade()  # the batch regrade (manage.py regrade) reads the same parts

    assert ClaimRelation.objects.filter(from_claim=part, to_claim=whole).exists()
    assert grade_of(whole) == grade
    assert reader_view(whole) == before
    assert parts_by_claim([whole.pk]) == {}


def test_publishing_the_part_regrades_the_whole_to_not_graded(whole, part, page_cache):
    relate(part, whole)
    page, _, _ = reader_view(whole)  # cached now
    assert COMPOUND not in page

    publish(part)

    after = stored(whole)
    assert (after.grade_level, after.grade_direction) == ("not_graded", "none")
    row = after.history.order_by("-history_id").first()
    assert row.history_change_reason == STATUS_CHANGED.format(slug=part.slug, reason="published")
    page, detail, listed = reader_view(whole)
    assert COMPOUND in page
    assert part.statement in page
    assert (detail["grade_level"], detail["plain_language"]) == ("not_graded", COMPOUND)
    assert (listed["grade_level"], listed["plain_language"]) == ("not_graded", COMPOUND)


def test_a_compound_whole_counts_a_draft_part_once_it_is_published(whole, part, page_cache):
    first = graded("bmd-hip")  # a published part, as an approved revision writes it
    relation_save(
        relation=ClaimRelation(from_claim=first, to_claim=whole, kind="part_of"), actor=None
    )
    one_part = grade_of(whole)
    assert one_part[2] == ["Not graded: the claim bundles 1 outcomes; see its parts"]

    relate(part, whole)

    assert grade_of(whole) == one_part
    page, _, _ = reader_view(whole)  # cached, listing one part
    assert (first.statement in page, part.statement in page) == (True, False)

    publish(part)

    assert grade_of(whole)[2] == ["Not graded: the claim bundles 2 outcomes; see its parts"]
    page, _, _ = reader_view(whole)
    assert part.statement in page


def test_publishing_a_claim_moves_the_page_version_of_the_claims_it_relates_to(
    whole, part, page_cache
):
    ClaimRelation.objects.create(from_claim=part, to_claim=whole, kind="refines")
    page, _, _ = reader_view(whole)  # cached without the draft
    assert part.statement not in page
    grade = grade_of(whole)

    publish(part)

    assert grade_of(whole) == grade  # `refines` does not make a claim compound
    page, _, _ = reader_view(whole)
    assert f'Refined by:</span> <a href="{part.get_absolute_url()}">' in page


def test_a_part_that_stops_being_public_gives_the_whole_its_own_grade_back(whole, part):
    # No workflow step takes a claim out of public view today; the rule holds for one that would.
    own = grade_of(whole)[:3]
    relate(part, whole)
    publish(part)
    assert stored(whole).grade_level == "not_graded"

    Claim.objects.filter(pk=part.pk).update(status="draft")
    status_change_regrade(claim=stored(part), was="published", actor=None, reason="withdrawn")

    assert grade_of(whole)[:3] == own
    page, detail, _ = reader_view(whole)
    assert part.statement not in page
    assert detail["grade_level"] == own[0]


def test_a_retracted_part_stays_a_part_and_the_whole_shows_its_retraction(whole, part, page_cache):
    relate(part, whole)
    publish(part)
    page, _, _ = reader_view(whole)
    assert "grade-retracted" not in page

    claim_retract(claim=part, reason="The trial was withdrawn.", actor=CuratorFactory())

    assert stored(whole).grade_level == "not_graded"  # a retraction is public: still its part
    page, _, _ = reader_view(whole)
    assert "grade-retracted" in page  # the part's badge, greyed


def test_a_whole_whose_parts_are_all_drafts_is_not_published_with_a_grade_nobody_reviewed(part):
    """In review, the whole counts its draft part: "not graded, see its parts" is what the
    reviewer sees. Public, it would count public parts only and grade the bundled statement
    as one outcome (grade-3 step 0, R11), a grade no reviewer saw: refused until a part is
    public."""
    draft_whole = graded("draft-whole", status="draft")
    relate(part, draft_whole)
    assert stored(draft_whole).grade_level == "not_graded"  # what the reviewer sees

    with pytest.raises(ValidationError) as refused:
        publish(draft_whole)

    assert refused.value.messages == [PUBLISH_PARTS_FIRST.format(parts=part.slug)]
    assert (stored(draft_whole).status, stored(draft_whole).grade_level) == (
        "in_review",
        "not_graded",
    )
    publish(part)
    claim_publish(claim=draft_whole, actor=CuratorFactory())
    assert (stored(draft_whole).status, stored(draft_whole).grade_level) == (
        "published",
        "not_graded",
    )


def test_a_whole_with_a_public_part_is_published_and_counts_a_draft_part_once_published(part):
    draft_whole, shown = graded("draft-whole", status="draft"), graded("bmd-hip")
    relate(part, draft_whole)
    relation_save(
        relation=ClaimRelation(from_claim=shown, to_claim=draft_whole, kind="part_of"), actor=None
    )

    publish(draft_whole)

    assert stored(draft_whole).grade_reasons == [
        "Not graded: the claim bundles 1 outcomes; see its parts"
    ]
    publish(part)
    assert stored(draft_whole).grade_level == "not_graded"
    assert len(parts_by_claim([draft_whole.pk])[draft_whole.pk]) == 2


def test_parts_of_a_public_whole_are_its_public_ones_in_one_query(
    whole, part, django_assert_num_queries
):
    shown, draft_whole = graded("bmd-hip"), graded("draft-whole", status="draft")
    for piece in (part, shown):
        for bundle in (whole, draft_whole):
            ClaimRelation.objects.create(from_claim=piece, to_claim=bundle, kind="part_of")
    with django_assert_num_queries(1):
        parts = parts_by_claim([whole.pk, draft_whole.pk])
    assert parts == {whole.pk: ("bmd-hip",), draft_whole.pk: ("bmd-hip", "bmd-spine")}


def test_the_claim_admin_says_which_parts_wait_for_publication(curator_client, whole, part):
    relate(part, whole)

    whole_page = curator_client.get(reverse("admin:claims_claim_change", args=[whole.pk]))
    part_page = curator_client.get(reverse("admin:claims_claim_change", args=[part.pk]))

    assert f"{part.statement}</a> (Draft): {WAITS}" in whole_page.content.decode()
    assert f"{whole.statement}</a> (Published): {REGRADED_ON_PUBLISH}" in part_page.content.decode()


def count_publish_queries(wholes: int) -> int:
    """The queries of publishing a draft that is part of `wholes` published claims."""
    part = graded(f"part-of-{wholes}", status="draft")
    for index in range(wholes):
        bundle = graded(f"whole-{wholes}-{index}")
        relate(part, bundle)
    claim_submit_for_review(claim=part, actor=CuratorFactory())
    publisher = CuratorFactory()
    with CaptureQueriesContext(connection) as queries:
        claim_publish(claim=part, actor=publisher)
    assert {stored(r.to_claim).grade_level for r in part.relations_from.all()} == {"not_graded"}
    return len(queries)


def test_publishing_a_part_of_many_wholes_costs_what_a_part_of_one_does():
    """The wholes are locked, regraded and their page versions moved in a fixed number of
    queries (no query per whole)."""
    assert count_publish_queries(12) == count_publish_queries(2)
