"""Claim, Topic and ClaimRelation invariants."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import (
    OVERRIDE_NEEDS_RATIONALE,
    RATIONALE_NEEDS_OVERRIDE,
    Claim,
    ClaimRelation,
)
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


def test_override_needs_rationale_in_clean_and_database():
    claim = ClaimFactory.build(grade_override="low")
    with pytest.raises(ValidationError) as exc:
        claim.full_clean()
    assert exc.value.message_dict["override_rationale"] == [OVERRIDE_NEEDS_RATIONALE]
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(grade_override="low")
    assert not Claim.objects.exists()


def test_rationale_without_override_is_refused():
    claim = ClaimFactory.build(override_rationale="Mice are not women.")
    with pytest.raises(ValidationError) as exc:
        claim.full_clean()
    assert exc.value.message_dict["grade_override"] == [RATIONALE_NEEDS_OVERRIDE]


def test_override_with_rationale_is_effective():
    claim = ClaimFactory(grade_level="high", grade_override="low", override_rationale="Indirect.")
    assert claim.effective_level == "low"


def test_database_refuses_unknown_status_and_self_relation():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(status="archived")
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimRelation.objects.create(from_claim=claim, to_claim=claim, kind="refines")


def test_public_claims_are_published_or_retracted():
    published = ClaimFactory(status="published")
    retracted = ClaimFactory(status="retracted")
    ClaimFactory(status="draft")
    ClaimFactory(status="in_review")
    assert set(Claim.objects.public()) == {published, retracted}


def test_stance_counts_annotate_for_and_against():
    from tests.factories import EvidenceFactory

    claim = ClaimFactory()
    EvidenceFactory.create_batch(2, claim=claim, stance="supports")
    EvidenceFactory(claim=claim, stance="contradicts")
    EvidenceFactory(claim=claim, stance="mixed")
    EvidenceFactory(claim=claim, stance="asserts")
    counted = Claim.objects.with_stance_counts().get(pk=claim.pk)
    assert (counted.supporting_count, counted.contradicting_count, counted.mixed_count) == (2, 1, 1)


def test_stance_counts_put_found_no_effect_against():
    claim = ClaimFactory()
    for stance in ("supports", "contradicts", "no_effect", "mixed", "mentions"):
        EvidenceFactory(claim=claim, stance=stance)
    counted = Claim.objects.with_stance_counts().get(pk=claim.pk)
    assert (counted.supporting_count, counted.contradicting_count, counted.mixed_count) == (1, 2, 1)


def test_with_evidence_gives_each_reference_its_people_in_order_without_a_query(
    django_assert_num_queries,
):
    """`with_evidence()` prefetches contributors as a list (`contributor_rows`, no queryset
    per reference); authors, editors and labels read it, in position order."""
    claim = ClaimFactory(slug="people")
    reference = ReferenceFactory(year=2008)
    for position, family in [(2, "Second"), (1, "First")]:
        person = PersonFactory(family=family)
        ContributorFactory(reference=reference, person=person, position=position)
    ContributorFactory(reference=reference, person=PersonFactory(family="Ed"), role="editor")
    EvidenceFactory(claim=claim, reference=reference)
    EvidenceFactory(claim=claim, reference=ReferenceFactory(citekey="nobody2001", year=2001))
    claim = Claim.objects.with_evidence().get(slug="people")
    with django_assert_num_queries(0):
        items = sorted(claim.evidence.all(), key=lambda item: item.reference.year)
        labels = [item.label for item in items]
        authors = [person.family for person in items[1].reference.authors]
        editors = [person.family for person in items[1].reference.editors]
    assert labels == ["nobody2001 2001", "First 2008"]
    assert authors == ["First", "Second"]
    assert editors == ["Ed"]
    assert isinstance(items[1].reference.contributor_rows, list)  # not a queryset per reference
