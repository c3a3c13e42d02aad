from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.access import sync_curators_group


def create_curators_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_curators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("citations", "0001_initial"),
        ("claims", "0001_initial"),
        ("evidence", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_curators_group, remove_curators_group)]
