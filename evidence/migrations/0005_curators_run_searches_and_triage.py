from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.access import sync_curators_group


def grant_search_permissions(apps, schema_editor):
    """Curators write saved searches and triage candidates: create the permissions now (not
    only after migrate) and give them to the Curators group."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_curators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0004_saved_searches_and_candidates"),
        ("claims", "0015_claim_grade3_inputs"),
    ]

    operations = [migrations.RunPython(grant_search_permissions, migrations.RunPython.noop)]
