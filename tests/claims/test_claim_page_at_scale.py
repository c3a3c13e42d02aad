"""A 200-item claim page among 50,000 people and 50,000 references: its contributors' people
are read by key, not by hashing every person (config.settings.base.RANDOM_PAGE_COST). The
rows are built once for the module (a few seconds), committed, and removed after its last
test."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.scale import insert_select
from citations.models import Contributor, Person, Reference
from claims.counts import REBUILD_SQL
from claims.models import Claim
from evidence.models import Evidence

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PEOPLE, REFERENCES, ITEMS = 50_000, 50_000, 200


@pytest.fixture(scope="module")
def large_claim(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        build()
    yield "claim-1"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE claims_claim, citations_reference, citations_person RESTART IDENTITY CASCADE"
        )
        cursor.execute(REBUILD_SQL)


def build() -> None:
    """50,000 references, each with two or three of 50,000 people (as bench/scale.py builds
    them), and one published claim citing the first 200."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    series = "generate_series(1, {}) AS g"
    insert_select(Person, series.format(PEOPLE), {"id": "g", "family": "'Family' || g"})
    insert_select(
        Reference,
        series.format(REFERENCES),
        {"id": "g", "citekey": "'ref' || g", "entry_type": "'article'", "title": "'Study ' || g"},
    )
    insert_select(
        Contributor,
        f"{series.format(REFERENCES)}, generate_series(0, 2) AS k WHERE k < 2 + g % 2",
        {
            "reference": "g",
            "person": f"1 + (g * 7 + k * 104729) % {PEOPLE}",
            "role": "'author'",
            "position": "k",
        },
    )
    insert_select(
        Claim,
        series.format(1),
        {
            "id": "g",
            "statement": "'A claim of many studies'",
            "slug": "'claim-' || g",
            "population": "'humans'",
            "status": "'published'",
        },
    )
    evidence = {
        "claim": "1",
        "reference": "g",
        "outcome": "'bone mineral density'",
        "stance": "'supports'",
        "design": "'rct'",
        "population": "'humans'",
        "sample_size": "20 + g",
    }
    insert_select(Evidence, series.format(ITEMS), evidence)
    with connection.cursor() as cursor:
        for table in ("citations_person", "citations_reference", "claims_claim"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute(REBUILD_SQL)
        cursor.execute(
            "ANALYZE citations_person, citations_reference, citations_contributor, "
            "claims_claim, evidence_evidence"
        )


def test_the_people_of_a_large_claim_page_are_read_by_key(client, large_claim):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/claims/{large_claim}/?rendered=1")
    assert response.status_code == 200
    assert len(response.context["page"].references) == ITEMS
    people = [query["sql"] for query in queries if '"citations_person"' in query["sql"]]
    assert people
    cited = Contributor.objects.filter(reference__evidence__claim__slug=large_claim).count()
    assert 400 < cited < 600
    for sql in people:
        assert people_read(sql) <= cited


def people_read(sql: str) -> int:
    """How many rows of citations_person running `sql` reads (EXPLAIN ANALYZE): a hash join
    scans them all, a merge join walks the primary key through most of them."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]["Plan"]
    return sum(
        node["Actual Rows"] * node["Actual Loops"]
        for node in nodes(plan)
        if node.get("Relation Name") == "citations_person"
    )


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)
