from django.conf import settings
from django.db import migrations


def table() -> str:
    return getattr(settings, "THROTTLE_COUNTER_TABLE", "throttle_counter")


class Migration(migrations.Migration):
    """The table of atomic throttle counters (config.counters) when the shared cache is the
    database: one row per key, counted by a single INSERT ... ON CONFLICT DO UPDATE."""

    dependencies = [("citations", "0014_importjob_preview")]

    operations = [
        migrations.RunSQL(
            f"CREATE TABLE IF NOT EXISTS {table()} ("
            "key varchar(255) PRIMARY KEY, window_ends timestamptz NOT NULL, hits integer NOT NULL)",
            f"DROP TABLE IF EXISTS {table()}",
        )
    ]
