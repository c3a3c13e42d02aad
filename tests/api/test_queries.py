"""Every list and detail answers in a constant number of SQL queries."""

import pytest

from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def build(count: int):
    topic = TopicFactory(slug="bone")
    for _ in range(count):
        claim = ClaimFactory()
        claim.topics.add(topic)
        reference = ReferenceFactory()
        ContributorFactory.create_batch(2, reference=reference)
        EvidenceFactory(claim=claim, reference=reference)


def queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/api/claims/?page_size=100", 3),
        ("/api/references/?page_size=100", 3),
        ("/api/evidence/?page_size=100", 3),  # count, page, the studies each item covers
        ("/api/topics/?page_size=100", 2),
        ("/api/topics/bone/", 3),
        ("/api/claims/?search=bone&page_size=100", 3),
        ("/api/references/?search=bone&page_size=100", 3),
    ],
)
@pytest.mark.parametrize("count", [1, 30])
def test_lists_take_constant_queries_for_anonymous(
    anon, django_assert_max_num_queries, url, limit, count
):
    build(count)

    queries(anon, url, django_assert_max_num_queries, limit)


@pytest.mark.parametrize("count", [1, 30])
def test_lists_take_constant_queries_for_curators(
    curator_api, django_assert_max_num_queries, count
):
    build(count)

    # Plus the user's permissions, read once per request.
    queries(curator_api, "/api/claims/?page_size=100", django_assert_max_num_queries, 5)
    queries(curator_api, "/api/references/?page_size=100", django_assert_max_num_queries, 5)


@pytest.mark.parametrize("count", [1, 40])
def test_claim_detail_takes_constant_queries_whatever_its_evidence(
    anon, django_assert_max_num_queries, count
):
    claim = ClaimFactory(slug="many")
    claim.topics.add(TopicFactory())
    for reference in ReferenceFactory.create_batch(count):
        ContributorFactory.create_batch(3, reference=reference)
        EvidenceFactory(claim=claim, reference=reference)

    # claim, topics, evidence, contributors, covers, parts (part_of relations)
    with django_assert_max_num_queries(6):
        response = anon.get("/api/claims/many/")

    assert len(response.json()["evidence"]) == count


@pytest.mark.parametrize("count", [1, 40])
def test_exports_take_constant_queries(anon, django_assert_max_num_queries, count):
    claim = ClaimFactory(slug="many")
    for reference in ReferenceFactory.create_batch(count):
        ContributorFactory.create_batch(3, reference=reference)
        EvidenceFactory(claim=claim, reference=reference)

    with django_assert_max_num_queries(3):
        response = anon.get("/api/references/?format=bibtex")
        b"".join(response.streaming_content)
    with django_assert_max_num_queries(3):
        response = anon.get("/api/claims/many/?format=ris")
        b"".join(response.streaming_content)
