"""References' search vector becomes a stored generated column (issue 27, the import).

The vector reads only its own row, so PostgreSQL can compute it as it stores the row. The
trigger that filled it (`citations.search.StoredSearchVector`) ran a PL/pgSQL function per
row and, being a BEFORE ROW trigger, kept COPY from storing an import's rows in batches: the
8,754 real entries of bench/real_import.py took 0.04 s more of PostgreSQL's time to store
(docs/scale.md, round nine). Same vectors, by the same rule (`citations.search.vector_sql`).

The column is dropped and added again, which rewrites the table and recomputes every vector
(a minute or two at a million references); its GIN index is made again after. Claims keep
their trigger: they are written one at a time, and their postings trigger reads the vector.
"""

import django.contrib.postgres.search
from django.db import migrations, models

import citations.search

TABLE = "citations_reference"
INDEX = f"{TABLE}_search_vector_gin"


class Migration(migrations.Migration):
    dependencies = [
        ("citations", "0020_unused_citekey_indexes"),
    ]

    operations = [
        citations.search.DropVectorTrigger(TABLE),
        migrations.RemoveField(model_name="reference", name="search_vector"),
        migrations.AddField(
            model_name="reference",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=citations.search.stored_vector(TABLE),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
                serialize=False,
            ),
        ),
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON {TABLE} USING gin (search_vector)",
            reverse_sql=migrations.RunSQL.noop,  # dropped with the column
        ),
    ]
