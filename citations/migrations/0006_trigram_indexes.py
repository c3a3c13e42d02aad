from django.db import migrations

import citations.search


class Migration(migrations.Migration):
    dependencies = [
        ("citations", "0005_reference_checked_at"),
    ]

    operations = [
        citations.search.TrigramIndexes(
            (
                ("citations_reference", "citekey"),
                ("citations_reference", "title"),
                ("citations_person", "family"),
            )
        ),
    ]
