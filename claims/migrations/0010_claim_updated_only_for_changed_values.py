"""A reference or person saved without a change no longer moves its claims' `updated`.

Migration 0009's triggers moved `updated` for every row an UPDATE named, changed or not:
a `check_retractions` or `verify_references` run, which only stamps when it checked,
re-dated every claim citing what it checked, so the home page and `?ordering=updated`
re-sorted and the page cache emptied with nothing new to show. On these two tables one
trigger now reads the old and the new rows together and moves the claims of the rows whose
values differ, bookkeeping columns aside (PostgreSQL allows no column list on a trigger with
transition tables, so the comparison is in the function).
"""

# ruff: noqa: S608 - the SQL is built from this module's constants only
from django.db import migrations

# table: (columns no page shows, how a changed row pair `n`/`o` leads to claim ids)
TABLES = {
    "citations_reference": (
        ("created", "updated", "search_vector", "retraction_checked_at", "verification_checked_at"),
        "SELECT e.claim_id FROM changed n JOIN evidence_evidence e ON e.reference_id = n.id",
    ),
    "citations_person": (
        (),
        "SELECT e.claim_id FROM changed n JOIN citations_contributor k ON k.person_id = n.id "
        "JOIN evidence_evidence e ON e.reference_id = k.reference_id",
    ),
}
OLD_TRIGGERS = ("update_old", "update_new")  # migration 0009's, one per transition table


def changed_rows(ignored: tuple[str, ...]) -> str:
    keys = "ARRAY[" + ",".join(f"'{name}'" for name in ignored) + "]::text[]"
    return (
        "SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE to_jsonb(n) - {keys} IS DISTINCT FROM to_jsonb(o) - {keys}"
    )


def forwards(apps, schema_editor):
    for table, (ignored, claim_ids) in TABLES.items():
        for suffix in OLD_TRIGGERS:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_touch_claims_{suffix} ON {table}"
            )
        locked = f"SELECT id FROM claims_claim WHERE id IN ({claim_ids}) ORDER BY id FOR UPDATE"
        schema_editor.execute(
            f"CREATE FUNCTION {table}_touch_claims_changed() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN WITH changed AS ({changed_rows(ignored)}) "
            f"UPDATE claims_claim SET updated = clock_timestamp() WHERE id IN ({locked}); "
            "RETURN NULL; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_touch_claims_update AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_touch_claims_changed()"
        )


def backwards(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_touch_claims_update ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_touch_claims_changed()")
        for suffix, side in zip(OLD_TRIGGERS, ("OLD", "NEW"), strict=True):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_touch_claims_{suffix} AFTER UPDATE ON {table} "
                f"REFERENCING {side} TABLE AS changed FOR EACH STATEMENT "
                f"EXECUTE FUNCTION {table}_touch_claims()"
            )


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_claim_updated_follows_its_page")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
