from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The table of the shared database cache (throttle counters), made on every database
    whichever cache is configured, so switching from Redis back to it needs no extra step."""
    table = getattr(settings, "DATABASE_CACHE_TABLE", "django_cache")
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, table, dry_run=False)


def drop_cache_table(apps, schema_editor):
    table = getattr(settings, "DATABASE_CACHE_TABLE", "django_cache")
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("citations", "0002_reference_title_md5_index"),
    ]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
