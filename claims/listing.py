"""A list page's claims in two steps: the page's ids, then those claims' rows by id.

What a list shows of a claim (`ClaimQuerySet.for_lists`) costs a correlated subquery or
two per row, which PostgreSQL evaluates for every row a query *reads*: a page read with
`OFFSET` reads the rows it skips too, so `/claims/?page=50` counted the evidence of 980
claims to show 20 (47-92 ms at 100k references). `page_claims` reads a page's ids first (the
page's ordering and filters, no subquery: an index walk), then `listed_claims` reads the rows
of just those ids, in that order.

`listed_claims` runs one query whose SQL is built from `for_lists()` once per process
(`listed_sql`): building and compiling that queryset cost a list page more (1.5-2 ms) than
PostgreSQL took to run it. A page of every public claim (the list with no search and no
filter, `PublicClaims`) reads its ids and their rows in one query, compiled once per page.
"""

from functools import cache, lru_cache

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import connections, router
from django.db.models import BigIntegerField, F, QuerySet, Value, signals
from django.db.models.base import ModelState
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
    found = {claim.pk: claim for claim in read_claims(sql, (*params, list(ids)))}
    return [found[pk] for pk in ids if pk in found]


def read_claims(sql: str, params: tuple) -> list[Claim]:
    """The claims of the rows of a `for_lists()` query, in its order."""
    database = router.db_for_read(Claim)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        names = tuple(column.name for column in cursor.description)
        rows = cursor.fetchall()
    make = claim_maker(names)
    return [make(database, row) for row in rows]


COLUMNS = frozenset(field.attname for field in Claim._meta.concrete_fields)


def claim_maker(names: tuple[str, ...]):
    """`make(database, row)`: the Claim of a row of `names` (its columns, the rest deferred,
    and its annotations as attributes), as `Claim.from_db` and `setattr` would make it.

    Without `Model.__init__` when nothing can tell: no `pre_init`/`post_init` receiver for
    Claim, and a plain attribute for each name, which `__init__` and `setattr` would only
    store. `from_db` matched each of a claim's forty fields against the names, then
    `__init__` set them one by one: a list page's twenty rows cost more than PostgreSQL
    took to read them."""
    stored, initialised = row_makers(names)
    listened = signals.pre_init.has_listeners(Claim) or signals.post_init.has_listeners(Claim)
    return initialised if stored is None or listened else stored


@cache
def row_makers(names: tuple[str, ...]):
    """(`stored`, `initialised`) makers of `claim_maker`; `stored` None when a name is not
    a plain attribute of Claim (a descriptor that `setattr` would call)."""
    fields = COLUMNS.intersection(names)  # the row's columns come first, then annotations
    columns, annotations = names[: len(fields)], names[len(fields) :]

    def initialised(database: str, row) -> Claim:
        claim = Claim.from_db(database, columns, row[: len(fields)])
        for name, value in zip(annotations, row[len(fields) :], strict=True):
            setattr(claim, name, value)
        return claim

    def stored(database: str, row) -> Claim:
        claim = Claim.__new__(Claim)
        claim.__dict__.update(zip(names, row, strict=True))
        claim._state = ModelState()
        claim._state.adding = False
        claim._state.db = database
        return claim

    plain = not any(hasattr(type(getattr(Claim, name, None)), "__set__") for name in names)
    return (stored if plain else None), initialised


def page_claims(rows) -> list[Claim]:
    """A page's claims from what a Paginator's page holds: a slice of a list queryset (read
    as its ids, then `listed_claims`), or claims already read (a list)."""
    if isinstance(rows, QuerySet):
        return listed_claims(list(rows.values_list("pk", flat=True)))
    return list(rows)


BY_STATEMENT = "statement"  # the order of a list with no search


class PublicClaims:
    """Every public claim by statement, as a Paginator reads a list (`RankedClaims` reads a
    search's): its length, the public count (`count`, which the list's form read anyway),
    and slices, each one query (`public_page_sql`, compiled once per window and process)."""

    ordered = True  # Paginator warns of an unordered list

    def __init__(self, count: int):
        self.length = count

    def __len__(self) -> int:
        return self.length

    def count(self) -> int:
        return self.length

    def __getitem__(self, window: slice) -> list[Claim]:
        if window.stop <= window.start:
            return []  # an empty page (no public claim): no query
        return read_claims(*public_page_sql(window.start, window.stop))


@lru_cache(maxsize=256)
def public_page_sql(start: int, stop: int) -> tuple[str, tuple]:
    """The SQL and parameters of the public claims `[start:stop]` by statement, as
    `for_lists()` reads them: the window's ids first (an index walk, no subquery), in an
    array, then the rows of those ids only, as `listed_claims` reads them, in one query."""
    public = Claim.objects.public()
    ids = public.order_by(BY_STATEMENT).values("pk")[start:stop]
    rows = public.for_lists().filter(EqualsAny(F("pk"), ArraySubquery(ids)))
    return rows.order_by(BY_STATEMENT).query.sql_with_params()
