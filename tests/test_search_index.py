"""The stored, GIN-indexed search vectors (PostgreSQL): kept current by the database itself."""

import pytest
from django.db import connection

from citations.models import Reference
from claims.models import Claim
from tests.factories import ClaimFactory, ContributorFactory, PersonFactory, ReferenceFactory

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


@pytest.fixture
def library():
    seifert = ReferenceFactory(citekey="seifert2006progesterone", title="Progesterone and bone")
    ContributorFactory(reference=seifert, person=PersonFactory(family="Seifert-Klauss"))
    prior = ReferenceFactory(citekey="prior1990", title="Osteoblast signalling in women")
    return seifert, prior


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Seifret", "seifert2006progesterone"),
        ("osteoblst", "prior1990"),
        ("prior1909", "prior1990"),
    ],
)
def test_similar_finds_references_despite_typos(library, typed, found):
    assert [r.citekey for r in Reference.objects.similar_to(typed)][:1] == [found]


def test_api_similar_filter_and_admin_search_tolerate_typos(library, curator_client):
    api = curator_client.get("/api/references/?similar=Seifret").json()
    assert [item["citekey"] for item in api["results"]] == ["seifert2006progesterone"]
    admin = curator_client.get("/admin/citations/reference/?q=Seifret")
    assert "seifert2006progesterone" in admin.text
    assert "prior1990" not in admin.text


def test_similar_reads_the_trigram_index(library):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        similar = Reference.objects.filter(title__trigram_word_similar="osteoblst")
        plan = similar.order_by().explain()
    assert "citations_reference_title_trgm" in plan


def test_a_long_text_is_stored_whole_and_indexed_by_its_first_characters():
    words = [f"w{i}" for i in range(300_000)]  # 2.2 MB: its whole vector passes 1 MB
    claim = ClaimFactory(summary=" ".join(words))

    claim.refresh_from_db()
    assert claim.summary == " ".join(words)
    assert list(Claim.objects.search("w17")) == [claim]
    assert list(Claim.objects.search("w299999")) == []  # past the indexed characters
