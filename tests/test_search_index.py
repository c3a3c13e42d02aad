"""The stored, GIN-indexed search vectors (PostgreSQL): kept current by the database itself."""

import pytest
from django.db import connection

from citations.models import Reference
from claims.models import Claim
from tests.factories import ClaimFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def test_vector_follows_every_write_including_bulk_update():
    claim = ClaimFactory(statement="Progesterone raises bone density.")
    assert list(Claim.objects.search("progesterone")) == [claim]

    claim.statement = "Estrogen raises bone density."
    Claim.objects.bulk_update([claim], ["statement"])
    assert list(Claim.objects.search("progesterone")) == []
    assert list(Claim.objects.search("estrogen")) == [claim]


def test_reference_vector_weighs_title_above_abstract():
    in_title = ReferenceFactory(title="Osteoblast signalling", abstract="")
    in_abstract = ReferenceFactory(title="Bone", abstract="osteoblast signalling")
    assert list(Reference.objects.search("osteoblast")) == [in_title, in_abstract]


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (Claim.objects.search("bone"), "claims_claim_search_vector_gin"),
        (Reference.objects.search("bone"), "citations_reference_search_vector_gin"),
    ],
)
def test_search_reads_the_gin_index(queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        plan = queryset.explain()
    assert f"Bitmap Index Scan on {index}" in plan
