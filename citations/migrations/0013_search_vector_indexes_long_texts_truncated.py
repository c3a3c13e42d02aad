import citations.search
from django.db import migrations


class Migration(migrations.Migration):
    """The search vector indexes the first characters of each long text (PostgreSQL's tsvector
    holds 1 MB): a 2 MiB title is stored whole instead of failing the import."""

    dependencies = [
        ("citations", "0012_reference_alias_as_cited"),
    ]

    operations = [
        citations.search.SearchVectorFunction("citations_reference"),
    ]
