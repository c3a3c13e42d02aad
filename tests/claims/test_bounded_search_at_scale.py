"""Claim search at scale: over 100,000 claims no search reads every row of claims_claim
(EXPLAIN of each search query), and a word in one claim in 20 is read through its newest
postings. The claims are built once for the module (about 10 s), committed, and removed
after its last test; each test still runs in its own transaction."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.scale import insert_select, title_sql
from claims import postings
from claims.counts import REBUILD_SQL
from claims.models import Claim, Topic

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CLAIMS_AT_SCALE = 100_000
SEARCHES = [
    "q=bone",  # every claim
    "q=progesterone",  # one in 20
    "q=zyxomab",  # one in 1,000
    "q=bone+density",  # two words
    "q=progesterone&topic=topic-1",
    "q=bone&level=low&direction=supported&page=40",
]


@pytest.fixture(scope="module")
def many_claims(django_db_setup, django_db_blocker):
    """100,000 claims (bench.scale's generator: "bone" in all, "progesterone" in 5 %, "zyxomab"
    in 0.1 %), built in one INSERT ... SELECT with triggers off (the generator computes the
    search vectors; the public counts are rebuilt after) and analysed so the planner sees
    their size."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_claims()
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE claims_claim, claims_topic RESTART IDENTITY CASCADE")
        cursor.execute(REBUILD_SQL)


def build_claims() -> None:
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


@pytest.mark.parametrize("query", SEARCHES)
def test_no_search_scans_every_claim(client, many_claims, query):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/claims/?{query}")
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0

    assert_no_claim_scan(queries)


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


@pytest.mark.parametrize("query", ["search=bone", "search=progesterone&topic=topic-1"])
def test_no_api_search_scans_every_claim(client, many_claims, query):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/claims/?{query}").json()["count"] > 0

    assert_no_claim_scan(queries)
