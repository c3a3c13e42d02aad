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

    def __init__(self, expression, values: list, base_field=None):
        array = ArrayField(base_field or TextField())
        values = list(values)
        if base_field is None and all(type(value) is str for value in values):
            values = text_array(values)
        super().__init__(expression, Value(values, output_field=array))


def matching(queryset, expression, values: list, base_field=None):
    """Rows of `queryset` whose `expression` is one of `values`."""
    return queryset.filter(AnyOf(expression, values, base_field))


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
