"""Candidates remember when a digest listed them, so one found by a run without `--email`
is mailed by the next digest. Those found before count as mailed when found: whether they
were is not known, and one digest of every old study would bury the new ones."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0007_record_alert_mailed_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='candidate',
            name='mailed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the e-mail digest listed it.', null=True),
        ),
        migrations.RunSQL(
            "UPDATE evidence_candidate SET mailed_at = found_at", migrations.RunSQL.noop
        ),
    ]
