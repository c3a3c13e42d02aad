"""What an import stores, stored for less (issue 27).

- Contributors lose the index Django makes for their reference: `contributor_unique_position`
  (reference, role, position) serves every look-up by reference, and each imported
  contributor paid for both.
- The long texts of references and their history (`text` and `jsonb` columns: LaTeX as
  imported, extra fields, abstracts) are compressed with lz4 where the server has it,
  PostgreSQL's pglz otherwise (the embedded server of scripts/with_postgres.py is built
  without lz4). lz4 compresses several times faster: TOAST compression is part of every
  imported row's cost (an average row of bench/real_import.py carries 1.4 KB of such text).
  Rows already stored keep their compression until they are written again.
"""

from django.db import migrations, models

TABLES = ("citations_reference", "citations_historicalreference")
LONG_TEXT_COLUMNS = """
    SELECT attrelid::regclass::text, attname FROM pg_attribute
    WHERE attrelid = ANY (%s::regclass[]) AND attnum > 0 AND NOT attisdropped
      AND atttypid IN ('text'::regtype, 'jsonb'::regtype)
    ORDER BY 1, 2
"""


def has_lz4(cursor) -> bool:
    cursor.execute(
        "SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    )
    return bool(cursor.fetchone()[0])


def compress_with(method: str):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            if method == "lz4" and not has_lz4(cursor):
                return
            cursor.execute(LONG_TEXT_COLUMNS, [list(TABLES)])
            for table, column in cursor.fetchall():
                quote = schema_editor.quote_name
                cursor.execute(
                    f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} "
                    f"SET COMPRESSION {method}"
                )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("citations", "0021_reference_search_vector_generated"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contributor",
            name="reference",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="contributors",
                to="citations.reference",
            ),
        ),
        migrations.RunPython(compress_with("lz4"), compress_with("default")),
    ]
