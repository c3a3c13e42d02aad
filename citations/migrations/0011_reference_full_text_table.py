import citations.search
from django.db import migrations


class Migration(migrations.Migration):
    """SQLite's full-text index of references (FTS5); nothing on PostgreSQL."""

    dependencies = [
        ("citations", "0010_latex_source_and_historical_years"),
    ]

    operations = [
        citations.search.FullTextTable("citations_reference"),
    ]
