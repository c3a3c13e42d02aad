from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.access import sync_curators_group


def grant_workflow_permissions(apps, schema_editor):
    """Create the workflow permissions now (not only after migrate) and give them to curators."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_curators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_curators_group"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="claim",
            options={
                "ordering": ["statement"],
                "permissions": [
                    ("publish_claim", "Can publish a claim or return it to draft"),
                    ("retract_claim", "Can retract a claim"),
                    ("override_grade", "Can override a claim's computed grade"),
                ],
            },
        ),
        migrations.RunPython(grant_workflow_permissions, migrations.RunPython.noop),
    ]
