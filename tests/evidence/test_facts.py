"""The ORM adapter: claims and evidence as the facts the rubrics read, without a query per item."""

import dataclasses

import pytest

from claims.models import Claim
from evidence.facts import (
    ITEM_FIELDS,
    claim_grade_profile,
    evidence_values_by_claim,
    item_facts,
    item_values,
    record_of,
)
from evidence.models import Evidence
from evidence.rubrics import grade3
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
)

pytestmark = pytest.mark.django_db


def pooled_claim():
    claim = ClaimFactory(slug="pooled")
    trials = ReferenceFactory.create_batch(2, year=2001)
    for trial in trials:
        EvidenceFactory(claim=claim, reference=trial, sample_size=150, risk_of_bias="low")
    review = ReferenceFactory(citekey="prior2005pool", year=2005)
    ContributorFactory(reference=review, person=PersonFactory(family="Prior"), position=0)
    pooled = EvidenceFactory(
        claim=claim,
        reference=review,
        design="meta_analysis_rct",
        sample_size=300,
        risk_of_bias="low",
    )
    pooled.covers.set(trials)
    return claim, pooled, trials


def test_claim_grade_profile_reads_only_what_with_evidence_prefetched(django_assert_num_queries):
    pooled_claim()
    # The claim, then topics, evidence with references, contributors with people, covers, and
    # the claim's parts (part_of relations to it).
    with django_assert_num_queries(6):
        claim = Claim.objects.with_evidence().get(slug="pooled")
    with django_assert_num_queries(0):
        result = claim_grade_profile(claim)
    assert (result.rubric, result.level) == ("grade-3", "low")  # unverified records: at most low
    assert result.profile.counted_once[0].startswith("Counted once:")


def test_item_facts_carry_label_covers_and_record():
    _, pooled, trials = pooled_claim()
    facts = item_facts(pooled, grade3.RUBRIC)
    assert facts.label == "Prior 2005"
    assert set(facts.covers) == {trial.citekey for trial in trials}
    assert facts.record == "unverified"


@pytest.mark.parametrize(
    ("verification", "retraction", "record"),
    [
        ("verified", "none", "verified"),
        ("verified", "retracted", "retracted"),
        ("unverified", "expression_of_concern", "expression_of_concern"),
        ("discrepancy", "corrected", "discrepancy"),
        ("not_found", "none", "not_found"),
    ],
)
def test_a_records_retraction_state_wins_over_its_verification(verification, retraction, record):
    reference = ReferenceFactory.build(verification=verification, retraction=retraction)
    assert record_of(reference) == record


def test_batch_values_are_those_of_the_prefetched_items():
    claim, _, _ = pooled_claim()
    edited = ReferenceFactory(year=None, retraction="retracted", verification="unverified")
    editor = PersonFactory(family="Editor")
    ContributorFactory(reference=edited, person=editor, role="editor", position=0)
    EvidenceFactory(claim=claim, reference=edited, stance="mixed", large_effect=True)
    loaded = Claim.objects.with_evidence().get(pk=claim.pk)
    expected = [comparable(item_values(item)) for item in loaded.evidence.all()]
    batch = evidence_values_by_claim(Evidence.objects.filter(claim=claim))[claim.pk]
    assert [comparable(values) for values in batch] == expected
    assert {"Prior 2005", "Editor n.d."} <= {values["label"] for values in batch}
    assert {"retracted", "unverified"} <= {values["record"] for values in batch}


def comparable(values: dict) -> dict:
    return {**values, "covers": set(values["covers"])}  # pooled references in any order


def test_item_fields_and_what_a_reference_gives_are_every_grade3_item_fact():
    from_reference = {"label", "citekey", "year", "covers", "record"}
    fields = {f.name for f in dataclasses.fields(grade3.ItemFacts)}
    assert set(ITEM_FIELDS) | from_reference == fields
