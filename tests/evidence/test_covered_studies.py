"""`Evidence.covered_studies()`: the studies an item covers, read from the `covered` list the
claim page's prefetch leaves (no queryset cloned per item), or from `covers` otherwise."""

import pytest

from claims.models import Claim
from evidence.facts import evidence_for_grading
from evidence.models import Evidence
from tests.factories import ClaimFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def test_prefetched_items_give_their_covered_studies_without_a_query(
    django_assert_num_queries,
):
    claim = ClaimFactory()
    pooled = EvidenceFactory(claim=claim, design="meta_analysis_rct")
    studies = [ReferenceFactory(citekey="a2001"), ReferenceFactory(citekey="b2002")]
    pooled.covers.set(studies)
    EvidenceFactory(claim=claim)  # covers nothing
    for items in (
        Claim.objects.with_evidence().get(pk=claim.pk).evidence.all(),
        evidence_for_grading(Evidence.objects.filter(claim=claim)),
    ):
        items = list(items)
        with django_assert_num_queries(0):
            covered = {item.pk: [s.citekey for s in item.covered_studies()] for item in items}
        assert sorted(covered[pooled.pk]) == ["a2001", "b2002"]
        assert sorted(map(len, covered.values())) == [0, 2]


def test_an_item_read_without_the_prefetch_asks_its_covers():
    item = EvidenceFactory()
    item.covers.set([ReferenceFactory(citekey="c2003")])
    fresh = Evidence.objects.get(pk=item.pk)
    assert [study.citekey for study in fresh.covered_studies()] == ["c2003"]
