from django.db import migrations


class Migration(migrations.Migration):
    """Empty: once a full-text table of another engine; kept so the migration chain holds.
    References' search vectors are `search_vector` (citations.search.StoredSearchVector)."""

    dependencies = [
        ("citations", "0010_latex_source_and_historical_years"),
    ]

    operations = []
