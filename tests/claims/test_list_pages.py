"""A list page reads its ids first, then only its own rows with what a list shows of them
(`claims.listing`): a deep page never counts the evidence of the rows it skips."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.listing import listed_claims, listed_sql
from tests.factories import ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 20  # claims.views.PAGE_SIZE


@pytest.fixture
def bone_claims():
    """45 public claims on one topic, in statement order, and a draft among them."""
    topic = TopicFactory(slug="bone")
    claims = [ClaimFactory(statement=f"Bone claim {index:02d}.") for index in range(45)]
    for claim in claims:
        claim.topics.add(topic)
    ClaimFactory(statement="Bone claim 30, a draft.", status="draft").topics.add(topic)
    return claims


def listed_on(client, url: str) -> tuple[list[str], list[str]]:
    """The statements a page lists, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [claim.statement for claim in response.context["claims"]], [
        query["sql"] for query in queries
    ]


def rows_read_past_an_offset(sql: list[str]) -> list[str]:
    """Queries that compute a list row's evidence counts while skipping rows (OFFSET): an
    OFFSET of the array of ids a query reads the rows of (claims.listing.public_page_sql)
    skips ids in an index, no row's counts."""
    return [
        query
        for query in sql
        if "evidence_evidence" in query and "OFFSET" in IDS_ARRAY.sub("ids", query)
    ]


IDS_ARRAY = re.compile(r'ARRAY\(SELECT U0\."id" AS "pk" FROM "claims_claim" U0 [^;]*? OFFSET \d+\)')


@pytest.mark.parametrize(
    "url", ["/claims/?page=3", "/claims/?topic=bone&page=3", "/topics/bone/?page=3"]
)
def test_a_deep_page_reads_the_rows_of_its_own_ids_only(client, bone_claims, url):
    statements, sql = listed_on(client, url)

    assert statements == [claim.statement for claim in bone_claims[2 * PAGE_SIZE :]]
    assert rows_read_past_an_offset(sql) == []


def test_a_deep_page_of_a_search_with_a_filter_keeps_its_rank_order(client, bone_claims):
    statements, sql = listed_on(client, "/claims/?q=bone&topic=bone&page=2")

    expected = [claim.statement for claim in bone_claims][PAGE_SIZE : 2 * PAGE_SIZE]
    assert sorted(statements) == sorted(expected)  # equal ranks: statement order
    assert statements == sorted(statements)
    assert rows_read_past_an_offset(sql) == []


def test_listed_claims_keeps_the_order_asked_and_leaves_out_claims_not_public(bone_claims):
    draft = ClaimFactory(status="draft")
    ids = [bone_claims[5].pk, draft.pk, bone_claims[1].pk, bone_claims[40].pk]

    listed = listed_claims(ids)

    assert [claim.pk for claim in listed] == [ids[0], ids[2], ids[3]]
    assert [claim.topic_ids for claim in listed] == [[bone_claims[0].topics.get().pk]] * 3
    assert all(claim.retracted_tests == 0 for claim in listed)
    assert listed_claims([]) == []


def test_a_list_row_reads_retracted_references_from_their_own_index(bone_claims):
    """Retracted references are few: a row's count of the items citing one (`retracted_tests`)
    probes their small partial index, not every cited reference's row (the planner kept
    off sequential scans, which a table this small would get)."""
    sql, params = listed_sql()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", (*params, [claim.pk for claim in bone_claims]))
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "reference_retracted" in plan, plan
