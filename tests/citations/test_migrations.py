"""The retraction migration: verification=retracted becomes a retraction state."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Inside the test's transaction: PostgreSQL rolls the schema changes back with the rows.
pytestmark = pytest.mark.django_db

BEFORE = [("citations", "0002_reference_title_md5_index")]
AFTER = [("citations", "0003_reference_retraction")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow  # unapplies the later migrations (and those built on them), then reapplies
def test_a_retracted_verification_becomes_retraction_retracted_and_unverified():
    old = migrate(BEFORE).get_model("citations", "Reference")
    old.objects.create(citekey="gone2001", title="Withdrawn", verification="retracted")
    old.objects.create(citekey="kept2002", title="Checked", verification="verified")
    new = migrate(AFTER).get_model("citations", "Reference")
    states = {
        key: (verification, retraction)
        for key, verification, retraction in new.objects.values_list(
            "citekey", "verification", "retraction"
        )
    }
    assert states == {"gone2001": ("unverified", "retracted"), "kept2002": ("verified", "none")}
