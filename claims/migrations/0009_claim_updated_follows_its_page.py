"""A claim's `updated` moves whenever what its public page shows changes.

The page shows the claim, its evidence items, their references and the references' authors.
Statement-level triggers (one UPDATE per statement, however many rows it wrote) set
`updated` of every claim whose evidence was inserted, updated or deleted, or whose evidence
cites a reference, a contributor or a person that changed. Claims are locked in primary-key
order, as the services lock them. A cached claim page is keyed on `updated` and `graded_at`
(`ClaimQuerySet.page_version`): one indexed row, however many items the page has.
"""

from django.db import migrations

# (table, how a changed row `c` leads to the claims it shows on: SQL selecting claim ids)
SOURCES = {
    "evidence_evidence": "SELECT c.claim_id FROM changed c",
    "citations_reference": (
        "SELECT e.claim_id FROM changed c JOIN evidence_evidence e ON e.reference_id = c.id"
    ),
    "citations_contributor": (
        "SELECT e.claim_id FROM changed c "
        "JOIN evidence_evidence e ON e.reference_id = c.reference_id"
    ),
    "citations_person": (
        "SELECT e.claim_id FROM changed c JOIN citations_contributor k ON k.person_id = c.id "
        "JOIN evidence_evidence e ON e.reference_id = k.reference_id"
    ),
}
# Which writes of each table change a page: inserting a reference or a person changes none
# (nothing cites them yet); deleting one deletes or refuses the rows that would.
EVENTS = {
    "evidence_evidence": ("INSERT", "UPDATE", "DELETE"),
    "citations_reference": ("UPDATE",),
    "citations_contributor": ("INSERT", "UPDATE", "DELETE"),
    "citations_person": ("UPDATE",),
}


def triggers():
    """(name, event, transition table, table, function): an UPDATE needs both its old rows
    (an item moved away from a claim) and its new ones, and a trigger has one of each."""
    for table, events in EVENTS.items():
        for event in events:
            sides = {"INSERT": ["NEW"], "DELETE": ["OLD"], "UPDATE": ["OLD", "NEW"]}[event]
            for side in sides:
                name = f"{table}_touch_claims_{event.lower()}_{side.lower()}"
                yield name, event, side, table, f"{table}_touch_claims"


def forwards(apps, schema_editor):
    for table, claim_ids in SOURCES.items():
        locked = f"SELECT id FROM claims_claim WHERE id IN ({claim_ids}) ORDER BY id FOR UPDATE"  # noqa: S608 (constants)
        schema_editor.execute(
            f"CREATE FUNCTION {table}_touch_claims() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN UPDATE claims_claim SET updated = clock_timestamp() WHERE id IN ({locked}); "
            "RETURN NULL; END $$"
        )
    for name, event, side, table, function in triggers():
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {side} TABLE AS "
            f"changed FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def backwards(apps, schema_editor):
    for name, _event, _side, table, _function in triggers():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for table in SOURCES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_touch_claims()")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_claim_full_text_table"),
        ("citations", "0010_latex_source_and_historical_years"),
        ("evidence", "0002_grade2_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
