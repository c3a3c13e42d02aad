import citations.search
from django.db import migrations


class Migration(migrations.Migration):
    """SQLite's full-text index of claims (FTS5); nothing on PostgreSQL."""

    dependencies = [
        ("claims", "0007_curators_new_models"),
    ]

    operations = [
        citations.search.FullTextTable("claims_claim"),
    ]
