"""Claim search is bounded like the API's: it lists, ranks and counts at most the
`RANKED_MATCHES` newest matches, read through the GIN index, never a scan of every claim."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked_matches(monkeypatch):
    monkeypatch.setattr("citations.search.RANKED_MATCHES", 3)


@pytest.fixture
def osteon_claims():
    """Five matching claims, oldest first (low levels on the old ones), and one that does not."""
    levels = ["low", "low", "moderate", "moderate", "high"]
    claims = [
        ClaimFactory(statement=f"Osteon claim {i}.", grade_level=level, grade_direction="supported")
        for i, level in enumerate(levels)
    ]
    ClaimFactory(statement="Unrelated estrogen claim.")
    return claims


def test_a_search_matching_more_lists_and_counts_only_the_newest(
    client, osteon_claims, ranked_matches, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = client.get("/claims/?q=osteon")

    listed = [claim.pk for claim in response.context["claims"]]
    assert sorted(listed) == [claim.pk for claim in osteon_claims[2:]]
    assert "At least 3 claims matching “osteon”" in response.text
    assert "the 3 most recently added" in response.text
    assert '<option value="moderate">Moderate (2)</option>' in response.text
    assert '<option value="low">Low (0)</option>' in response.text


def test_a_search_with_fewer_matches_lists_and_counts_them_all(client, osteon_claims):
    response = client.get("/claims/?q=osteon")

    assert len(response.context["claims"]) == 5
    assert "5 claims matching “osteon”" in response.text
    assert "At least" not in response.text
    assert '<option value="low">Low (2)</option>' in response.text


def test_filters_apply_before_the_newest_matches_are_chosen(client, osteon_claims, ranked_matches):
    response = client.get("/claims/?q=osteon&level=low")

    assert sorted(claim.pk for claim in response.context["claims"]) == [
        claim.pk for claim in osteon_claims[:2]
    ]


def test_search_counts_are_cached_per_search_words(client, osteon_claims, settings):
    settings.LEDGER_FACET_CACHE_SECONDS = 60
    kept = caches[settings.PAGE_CACHE]  # counts and list pages: each process's memory
    kept.clear()
    try:
        with CaptureQueriesContext(connection) as first:
            client.get("/claims/?q=osteon")
        with CaptureQueriesContext(connection) as again:
            client.get("/claims/?q=osteon")
        with CaptureQueriesContext(connection) as other:
            assert "1 claim matching" in client.get("/claims/?q=estrogen").text
    finally:
        kept.clear()
    assert len(again) == 1  # the counts' version: the page as kept, its counts with it
    assert len(other) == len(first) - 1  # another search counts its own, not the topics


def test_a_long_filtered_list_shows_its_estimated_total_as_about(client, monkeypatch):
    monkeypatch.setattr("config.pagination.ESTIMATE_ABOVE", 2)
    ClaimFactory.create_batch(4, grade_level="low")
    page = client.get("/claims/?level=low").text
    assert "About " in page
    assert "About " not in client.get("/claims/").text  # the public counts are exact


def test_api_search_pages_rank_only_the_newest_matches(client, osteon_claims, ranked_matches):
    body = client.get("/api/claims/?search=osteon").json()

    assert body["count"] == 3
    slugs = {claim.slug for claim in osteon_claims[2:]}
    assert {item["slug"] for item in body["results"]} == slugs
    walked = client.get("/api/claims/?search=osteon&cursor=").json()
    assert len(walked["results"]) == 5  # a cursor walk reaches every match
