from importlib import import_module

from django.db import migrations

# The steps of 0002 again: create the new models' permissions (review notes, aliases), then sync the Curators group.
create_curators_group = import_module("claims.migrations.0002_curators_group").create_curators_group


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_review_workflow"), ("citations", "0009_merges")]

    operations = [migrations.RunPython(create_curators_group, migrations.RunPython.noop)]
