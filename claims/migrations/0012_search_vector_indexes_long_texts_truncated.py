import citations.search
from django.db import migrations


class Migration(migrations.Migration):
    """The search vector indexes the first characters of each long text (PostgreSQL's tsvector
    holds 1 MB): a long summary is stored whole instead of failing the save."""

    dependencies = [
        ("claims", "0011_claimrevision"),
    ]

    operations = [
        citations.search.SearchVectorFunction("claims_claim"),
    ]
