from django.db import migrations


class Migration(migrations.Migration):
    """Empty: once a full-text table of another engine; kept so the migration chain holds.
    Claims' search vectors are `search_vector` (citations.search.StoredSearchVector)."""

    dependencies = [
        ("claims", "0007_curators_new_models"),
    ]

    operations = []
