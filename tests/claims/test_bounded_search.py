"""Claim search is bounded like the API's: it lists, ranks and counts at most the
`RANKED_MATCHES` newest matches, read through the GIN index, never a scan of every claim."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.scale import insert_select, title_sql
from claims import postings
from claims.counts import REBUILD_SQL
from claims.models import Claim, Topic
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


CLAIMS_AT_SCALE = 100_000
SEARCHES = [
    "q=bone",  # every claim
    "q=progesterone",  # one in 20
    "q=zyxomab",  # one in 1,000
    "q=bone+density",  # two words
    "q=progesterone&topic=topic-1",
    "q=bone&level=low&direction=supported&page=40",
]


@pytest.fixture
def many_claims(django_db_blocker):
    """100,000 claims (bench.scale's generator: "bone" in all, "progesterone" in 5 %, "zyxomab"
    in 0.1 %), built in one INSERT ... SELECT with triggers off (the generator computes the
    search vectors; the public counts are rebuilt after) and analysed so the planner sees
    their size."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO claims_topic (id, name, slug, description) "
            "VALUES (1, 'Topic 1', 'topic-1', '')"
        )
    insert_select(
        Claim,
        f"generate_series(1, {CLAIMS_AT_SCALE}) AS g",
        {
            "id": "g",
            "statement": title_sql("g") + " || ' changes bone outcomes'",
            "slug": "'claim-' || g",
            "population": "'humans'",
            "status": "CASE WHEN g % 10 = 3 THEN 'draft' ELSE 'published' END",
            "grade_level": "(ARRAY['very_low','low','moderate','high'])[1 + g % 4]",
            "grade_direction": "(ARRAY['supported','contradicted','contested'])[1 + g % 3]",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO claims_claim_topics (claim_id, topic_id) "
            "SELECT g, 1 FROM generate_series(5, %s, 5) AS g",
            [CLAIMS_AT_SCALE],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('claims_claim', 'id'), %s)", [CLAIMS_AT_SCALE]
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(REBUILD_SQL)
        cursor.execute(postings.REBUILD_SQL)
        cursor.execute("ANALYZE claims_claim, claims_claim_topics, claims_topic, claims_claimword")
    assert Topic.objects.public().count() == 1


def assert_no_claim_scan(queries):
    """EXPLAIN each captured query that searches (the page, its count, its facets): none
    reads every row of claims_claim."""
    searched = [query["sql"] for query in queries if "@@" in query["sql"]]
    assert searched
    with connection.cursor() as cursor:
        for sql in searched:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert not re.search(r"Seq Scan on claims_claim\b(?!_)", plan), plan


@pytest.mark.slow
@pytest.mark.parametrize("query", SEARCHES)
def test_no_search_scans_every_claim(client, many_claims, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/claims/?{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0

    assert_no_claim_scan(queries)


@pytest.mark.slow
def test_a_search_for_a_word_in_one_claim_in_20_reads_its_newest_postings(client, many_claims):
    """The newest 500 of 4,500 matches: their 500 postings read newest first and their
    claims by key, not the primary key walked past 10,000 claims nor 4,500 read from GIN.
    The first search of the words chooses (claims.searching.CHOICES); the next reads."""
    client.get("/claims/?q=progesterone")
    with CaptureQueriesContext(connection) as queries:
        client.get("/claims/?q=progesterone")

    searched = [query["sql"] for query in queries if "@@" in query["sql"]]
    assert len(searched) == 1
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {searched[0]}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan Backward using claims_claimword_pkey" in plan, plan
    assert "Rows Removed" not in plan, plan  # every claim read is a match


def test_api_search_pages_rank_only_the_newest_matches(client, osteon_claims, ranked_matches):
    body = client.get("/api/claims/?search=osteon").json()

    assert body["count"] == 3
    slugs = {claim.slug for claim in osteon_claims[2:]}
    assert {item["slug"] for item in body["results"]} == slugs
    walked = client.get("/api/claims/?search=osteon&cursor=").json()
    assert len(walked["results"]) == 5  # a cursor walk reaches every match


@pytest.mark.slow
@pytest.mark.parametrize("query", ["search=bone", "search=progesterone&topic=topic-1"])
def test_no_api_search_scans_every_claim(client, many_claims, query):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/claims/?{query}").json()["count"] > 0

    assert_no_claim_scan(queries)
