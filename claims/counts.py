"""Public claim counts that do not scan: kept by the database in the same transaction as the rows.

A *count* is the number of public claims (`claims.access.PUBLIC_STATUSES`) with one property:
`total` (every public claim), `level`/<effective level> (the override when set, else the
computed level: `claims.models.level_is`), `direction`/<direction>, `topic`/<topic id>.

`PublicCount` holds signed *deltas*, never one row per count: triggers on `claims_claim` and
`claims_claim_topics` (`TRIGGERS_SQL`) append a row (+1 or -1) per count a write changes, in
the writing transaction, so a count is `sum(delta)` of its rows and concurrent writers never
wait on (or deadlock over) a shared counter row. Reads sum the rows (`public_counts`); when
they grow past `COMPACT_AT` rows the reader folds them into one row per count in one
statement (`COMPACT_SQL`, on the primary: the sums do not change, and rows a concurrent
writer adds are not touched). A write that bypasses triggers (`session_replication_role =
replica`, as `bench/scale.py` builds) must call `REBUILD_SQL` after it.
"""

from dataclasses import dataclass

from django.db import connections, models, router

from claims.models import PublicCount, Topic

COMPACT_AT = 2000

PUBLIC = "('published', 'retracted')"  # claims.access.PUBLIC_STATUSES, in SQL

# The counts a claim row is in: (kind, value) pairs, topics aside.
ROW_COUNTS_SQL = """
    SELECT 'total', '' UNION ALL
    SELECT 'level', coalesce(nullif({row}.grade_override, ''), {row}.grade_level) UNION ALL
    SELECT 'direction', {row}.grade_direction UNION ALL
    SELECT 'topic', t.topic_id::text FROM claims_claim_topics t WHERE t.claim_id = {row}.id
"""

TRIGGERS_SQL = f"""
CREATE OR REPLACE FUNCTION claims_publiccount_claim() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was boolean := TG_OP <> 'INSERT' AND OLD.status IN {PUBLIC};
    now_public boolean := TG_OP <> 'DELETE' AND NEW.status IN {PUBLIC};
BEGIN
    IF TG_OP = 'UPDATE' AND was = now_public AND (NOT was OR (
        OLD.grade_override IS NOT DISTINCT FROM NEW.grade_override
        AND OLD.grade_level IS NOT DISTINCT FROM NEW.grade_level
        AND OLD.grade_direction IS NOT DISTINCT FROM NEW.grade_direction)) THEN
        RETURN NULL;  -- no count changes: most updates
    END IF;
    IF was THEN
        INSERT INTO claims_publiccount (kind, value, delta)
        SELECT c.kind, c.value, -1 FROM ({ROW_COUNTS_SQL.format(row="OLD")}) AS c(kind, value);
    END IF;
    IF now_public THEN
        INSERT INTO claims_publiccount (kind, value, delta)
        SELECT c.kind, c.value, 1 FROM ({ROW_COUNTS_SQL.format(row="NEW")}) AS c(kind, value);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION claims_publiccount_topic() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO claims_publiccount (kind, value, delta)
        SELECT 'topic', OLD.topic_id::text, -1 FROM claims_claim c
        WHERE c.id = OLD.claim_id AND c.status IN {PUBLIC};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO claims_publiccount (kind, value, delta)
        SELECT 'topic', NEW.topic_id::text, 1 FROM claims_claim c
        WHERE c.id = NEW.claim_id AND c.status IN {PUBLIC};
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER claims_publiccount_claim AFTER INSERT OR UPDATE OR DELETE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_publiccount_claim();
CREATE TRIGGER claims_publiccount_topic AFTER INSERT OR UPDATE OR DELETE ON claims_claim_topics
    FOR EACH ROW EXECUTE FUNCTION claims_publiccount_topic();
"""  # noqa: S608  (constants only)

DROP_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS claims_publiccount_claim ON claims_claim;
DROP TRIGGER IF EXISTS claims_publiccount_topic ON claims_claim_topics;
DROP FUNCTION IF EXISTS claims_publiccount_claim();
DROP FUNCTION IF EXISTS claims_publiccount_topic();
"""

REBUILD_SQL = f"""
DELETE FROM claims_publiccount;
INSERT INTO claims_publiccount (kind, value, delta)
SELECT c.kind, c.value, count(*) FROM claims_claim claim,
    LATERAL ({ROW_COUNTS_SQL.format(row="claim")}) AS c(kind, value)
WHERE claim.status IN {PUBLIC} GROUP BY c.kind, c.value;
"""  # noqa: S608  (constants only)

COMPACT_SQL = """
WITH gone AS (DELETE FROM claims_publiccount RETURNING kind, value, delta)
INSERT INTO claims_publiccount (kind, value, delta)
SELECT kind, value, sum(delta) FROM gone GROUP BY kind, value HAVING sum(delta) <> 0
"""


def public_counts() -> dict[tuple[str, str], int]:
    """Every public count, {(kind, value): count}, counts of zero left out: one query over
    the deltas (folded first when they have grown past `COMPACT_AT` rows)."""
    rows = list(
        PublicCount.objects.values_list("kind", "value").annotate(
            count=models.Sum("delta"), rows=models.Count("pk")
        )
    )
    _compact_past(sum(row[3] for row in rows))
    return {(kind, value): count for kind, value, count, _ in rows if count}


def _compact_past(rows: int) -> None:
    if rows > COMPACT_AT:
        with connections["default"].cursor() as cursor:
            cursor.execute(COMPACT_SQL)


# The sums of `public_counts`, each topic's with the topic's row (TOPIC_COLUMNS).
OVERVIEW_SQL = """
SELECT c.kind, c.value, c.count, c.rows, t.id, t.name, t.slug, t.description
FROM (SELECT kind, value, sum(delta)::bigint AS count, count(*) AS rows
      FROM claims_publiccount GROUP BY kind, value) AS c
LEFT JOIN claims_topic AS t ON c.kind = 'topic' AND t.id::text = c.value
ORDER BY t.name
"""
TOPIC_COLUMNS = ("id", "name", "slug", "description")


@dataclass(frozen=True)
class PublicOverview:
    """Every public count (`counts`, as `public_counts` gives them) and the topics with a
    public claim (`topics`, by name, each with its `claim_count`). Read-only: see
    `public_overview`."""

    counts: dict
    topics: list


# The last overview this process made, with the database and rows it made it from (their
# counts and topics, not how many delta rows each count sums).
_last_overview: tuple = ((), None)


def public_overview() -> PublicOverview:
    """The public counts and the topics they count, in one query over the deltas: what a
    list page's form shows (its topics, its certainty and direction options, the total),
    where the topics with their counts took a query of their own, a subquery per topic.

    The same rows give the same object, this process's last (read-only, then: shared by
    every request until a count, a topic's name, slug or description changes): making the
    page's fifty topics again cost a list page more than the query."""
    global _last_overview
    database = router.db_for_read(PublicCount)
    with connections[database].cursor() as cursor:
        cursor.execute(OVERVIEW_SQL)
        rows = cursor.fetchall()
    _compact_past(sum(row[3] for row in rows))
    read = (database, tuple((*row[:3], *row[4:]) for row in rows))
    last_read, overview = _last_overview
    if read != last_read or overview is None:
        overview = overview_of(*read)
        _last_overview = (read, overview)
    return overview


def overview_of(database: str, rows) -> PublicOverview:
    """A `PublicOverview` of (kind, value, count, *TOPIC_COLUMNS) rows."""
    counts, topics = {}, []
    for kind, value, count, *topic in rows:
        if not count:
            continue
        counts[(kind, value)] = count
        if topic[0] is not None:
            topics.append(Topic.from_db(database, TOPIC_COLUMNS, topic))
            topics[-1].claim_count = count
    return PublicOverview(counts, topics)


def public_count(kind: str, value: str = "") -> int:
    """One public count (e.g. `public_count("topic", str(topic.pk))`), in one indexed query."""
    rows = PublicCount.objects.filter(kind=kind, value=value)
    return rows.aggregate(count=models.Sum("delta"))["count"] or 0
