"""A list page's claims in two steps: the page's ids, then those claims' rows by id.

What a list shows of a claim (`ClaimQuerySet.for_lists`) costs a correlated subquery or
two per row, which PostgreSQL evaluates for every row a query *reads*: a page read with
`OFFSET` reads the rows it skips too, so `/claims/?page=50` counted the evidence of 980
claims to show 20 (47-92 ms at 100k references). `page_claims` reads a page's ids first (the
page's ordering and filters, no subquery: an index walk), then `listed_claims` reads the rows
of just those ids, in that order.

`listed_claims` runs one query whose SQL is built from `for_lists()` once per process
(`listed_sql`): building and compiling that queryset cost a list page more (1.5-2 ms) than
PostgreSQL took to run it.
"""

from functools import cache

from django.contrib.postgres.fields import ArrayField
from django.db import connections, router
from django.db.models import BigIntegerField, F, QuerySet, Value
from django.db.models.functions import Cast

from citations.search import EqualsAny
from claims.models import Claim

IDS = object()  # where the ids go among `listed_sql`'s parameters (compiled with this)


@cache
def listed_sql() -> tuple[str, tuple]:
    """The SQL of the public claims `= ANY(ids)` with what a list shows of each, and its
    parameters but the last (the ids), built from the named querysets once per process."""
    claims = Claim.objects.public().for_lists().order_by()
    ids = Cast(Value(IDS), ArrayField(BigIntegerField()))  # one array, whatever its length
    by_id = claims.filter(EqualsAny(F("pk"), ids))
    sql, params = by_id.query.sql_with_params()
    if not params or params[-1] is not IDS:
        raise RuntimeError("listed_sql: the ids are not the query's last parameter")
    return sql, params[:-1]


def listed_claims(ids: list[int]) -> list[Claim]:
    """The public claims of `ids` in that order, as `for_lists()` reads them (`retracted_tests`,
    `topic_ids`), in one query; an id no longer public is left out."""
    if not ids:
        return []
    sql, params = listed_sql()
    database = router.db_for_read(Claim)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, (*params, list(ids)))
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    found = {}
    fields = COLUMNS.intersection(names)  # the row's columns come first, then annotations
    for row in rows:
        claim = Claim.from_db(database, names[: len(fields)], row[: len(fields)])
        for name, value in zip(names[len(fields) :], row[len(fields) :], strict=True):
            setattr(claim, name, value)
        found[claim.pk] = claim
    return [found[pk] for pk in ids if pk in found]


COLUMNS = frozenset(field.attname for field in Claim._meta.concrete_fields)


def page_claims(rows) -> list[Claim]:
    """A page's claims from what a Paginator's page holds: a slice of a list queryset (read
    as its ids, then `listed_claims`), or claims already read (a list)."""
    if isinstance(rows, QuerySet):
        return listed_claims(list(rows.values_list("pk", flat=True)))
    return list(rows)
