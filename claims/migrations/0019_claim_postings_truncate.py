"""Search postings: the lexeme functions bounded (claims.postings.FUNCTIONS_SQL, replaced in
a database that ran 0018 before them) and emptied when the claims are truncated."""

from django.db import migrations

from claims.postings import DROP_TRUNCATE_SQL, FUNCTIONS_SQL, TRUNCATE_SQL


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0018_claim_postings'),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS_SQL + TRUNCATE_SQL, DROP_TRUNCATE_SQL),
    ]
