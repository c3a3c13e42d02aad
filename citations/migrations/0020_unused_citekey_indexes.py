"""Drop the citekey indexes no query reads, which every import paid for (issue 27).

- `citations_reference_citekey_7b6ff35e_like` (varchar_pattern_ops), the second index Django
  makes for a unique CharField on PostgreSQL: it serves only case-sensitive `LIKE 'prefix%'`,
  and no look-up asks that of citekey (exact look-ups use the unique index, `istartswith` and
  the admin's `icontains` compare UPPER(citekey), the typo-tolerant search the trigram index).
- The history's two citekey indexes (btree and `_like`): history is read by reference id
  (`Reference.history.filter(id=...)`, the history pages), never by citekey.
"""

from django.db import migrations, models

LIKE_INDEX = "citations_reference_citekey_7b6ff35e_like"


class Migration(migrations.Migration):
    dependencies = [
        ("citations", "0019_reference_retracted_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalreference",
            name="citekey",
            field=models.CharField(
                help_text="{firstauthorfamily}{year}{firsttitleword}; never changes once cited.",
                max_length=100,
            ),
        ),
        migrations.RunSQL(
            f"DROP INDEX IF EXISTS {LIKE_INDEX}",
            reverse_sql=(
                f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} "
                "ON citations_reference (citekey varchar_pattern_ops)"
            ),
        ),
    ]
