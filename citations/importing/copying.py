"""PostgreSQL's bulk writes for an import: ids taken from a table's sequence beforehand, and
rows sent with COPY (10x faster than `bulk_create`), inside the caller's transaction."""

import json
import re
from collections.abc import Iterable

import orjson
from django.db import connection
from psycopg.types.json import set_json_dumps

# The sequence is named once (the scalar subquery is an InitPlan): as an argument of `nextval`,
# `pg_get_serial_sequence` ran for every row, 3-4x the cost of the ids themselves.
NEXT_IDS = (
    "SELECT nextval((SELECT pg_get_serial_sequence(%s, 'id'))::regclass) "
    "FROM generate_series(1, %s)"
)
TYPE_MODIFIER = re.compile(r"\(.*\)$")  # `varchar(100)`: the binary format is varchar's


def next_ids(model, count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, from its sequence."""
    with connection.cursor() as cursor:
        cursor.execute(NEXT_IDS, [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def json_text(value) -> bytes | str:
    """The JSON text of a `jsonb` column's value (a dict, a list...), for the COPY.

    orjson, 5x faster than `json.dumps` here (the real entries of bench/real_import.py send
    12 MB of LaTeX and extra fields): its compact UTF-8 text and `json.dumps`'s escaped
    ASCII are one `jsonb` value. A string it refuses (a lone surrogate) goes to `json.dumps`,
    so such a value meets the database's refusal as before."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value)


def copy_rows(model, columns: list[str], rows: Iterable) -> None:
    """Insert rows with PostgreSQL's COPY: the fastest bulk write, inside the transaction.

    In COPY's binary format, each value sent as the column's type takes it (the types are
    read from the table): no text to escape here and to parse there. Against the text
    format, the references of bench/real_import.py cost 35 % less Python and 15 % less
    PostgreSQL (docs/scale.md, round nine). The types come from the model, with no query; a
    `jsonb` column takes Python values (`json_text`).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # The raw psycopg copy is outside Django's error wrapping: wrap it, so that a unique
    # violation is an IntegrityError like any other.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        set_json_dumps(json_text, context=cursor.cursor)
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"  # noqa: S608 - model metadata
        with cursor.cursor.copy(statement) as copy:
            copy.set_types(column_types(model, columns))
            for row in rows:
                copy.write_row(row)


def column_types(model, columns: list[str]) -> list[str]:
    """The PostgreSQL type of each column, from the model (its migrations made the table)."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    return [TYPE_MODIFIER.sub("", fields[column].db_type(connection)) for column in columns]
