"""Membership lookups: the rows whose column (or expression) is one of many values.

The values travel as one array parameter (`= ANY(%s)`): an `IN` list of thousands of
placeholders costs more to build and send than the lookup itself.
"""

from contextlib import contextmanager

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import BooleanField, Func, TextField, Value


def text_array(values: list[str]) -> str:
    """PostgreSQL's input form of a text array (`{"a","b\\"c"}`): every value double-quoted,
    its backslashes and double quotes escaped, so the server reads back exactly `values`."""
    quoted = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return '{"' + '","'.join(quoted) + '"}' if values else "{}"


class AnyOf(Func):
    """`expression = ANY(array)`: one array parameter, not one parameter per value.

    Strings travel as one text array literal built here (`text_array`): psycopg quotes a
    list element by element in Python, with a regular expression each (5 us a value; an
    import sends tens of thousands of keys, hashes and names)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, expression, values: list, base_field=None, *, opaque: bool = False):
        array = ArrayField(base_field or TextField())
        values = list(values)
        if base_field is None and all(type(value) is str for value in values):
            values = text_array(values)
        array_value = Value(values, output_field=array)
        super().__init__(expression, Opaque(array_value) if opaque else array_value)


class Opaque(Func):
    """`(SELECT value::type)::type`: the value as a one-row subquery, computed once when the
    query runs (an InitPlan), so the planner does not see it."""

    def as_sql(self, compiler, connection, **extra):
        db_type = self.output_field.db_type(connection)
        template = f"(SELECT %(expressions)s::{db_type})::{db_type}"
        return super().as_sql(compiler, connection, template=template, **extra)


def matching(queryset, expression, values: list, base_field=None, *, opaque: bool = False):
    """Rows of `queryset` whose `expression` is one of `values`.

    `opaque`: the planner does not see the values (`Opaque`). Given them, PostgreSQL estimates
    each one against the column's statistics and every index that could answer `=`,
    extracting a trigram index's trigrams of each: planning `citekey = ANY(500 keys)` took
    1.6-2 ms for a 0.5 ms look-up. Unseen, it plans for a few values, as for a look-up by
    key, in 0.3-0.5 ms. For an import's look-ups of a batch's keys, hashes and names; not
    where the number of matches decides the plan."""
    return queryset.filter(AnyOf(expression, values, base_field, opaque=opaque))


@contextmanager
def through_btrees():
    """Inside: no bitmap scans, so equality look-ups go through btree indexes, never a
    trigram (GIN) index on the same column.

    pg_trgm's GIN indexes also answer `=`, and right after a large import, before autovacuum
    has analysed the table and merged the index's pending list, PostgreSQL may take them for
    `citekey = ANY(500 keys)` and match every key against every pending entry: 3.1 s for one
    look-up after 4,839 new references, against 0.8 ms through the unique btree. GIN serves
    only bitmap scans. The setting is local to the transaction (one is opened if none is),
    and what it was before is set again after."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_bitmapscan'), "
            "set_config('enable_bitmapscan', 'off', true)"
        )
        before = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [before])
