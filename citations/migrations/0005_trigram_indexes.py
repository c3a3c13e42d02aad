from django.db import migrations

import citations.search


class Migration(migrations.Migration):
    dependencies = [
        ("citations", "0004_merge_wave2_a"),
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
