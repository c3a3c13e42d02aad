"""The demo data set of `make run`: loaded once into an empty database, reset on request.

A curator's edits outlive restarts: `make run` loads `fixtures/seed.json` only when no
curated record exists yet, and `make demo-reset` (on purpose, never implicitly) clears the
curated records and their history and loads the seed again. User accounts are kept.
"""

from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from evidence.services import claims_regrade

SEED_FIXTURE = "seed"
# Evidence first (it protects references), then claims, then references and people.
CURATED_APPS = ("evidence", "claims", "citations")


def curated_models() -> list:
    """Every model of the curated apps, in an order that deletes without a protected row."""
    return [
        model
        for label in CURATED_APPS
        for model in reversed(list(apps.get_app_config(label).get_models()))
    ]


def database_is_empty() -> bool:
    return not any(model._base_manager.exists() for model in curated_models())


SEEDED = "loaded from the seed"


@transaction.atomic
def seed_load() -> None:
    """Load the seed; each record's history starts with it (loaddata writes none), so later
    edits show against the seed, e.g. as changes since a claim was published."""
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    for model in curated_models():
        if hasattr(model, "history"):
            model.history.bulk_history_create(
                list(model._base_manager.all()), default_change_reason=SEEDED
            )
    claims_regrade()


@transaction.atomic
def demo_reset() -> None:
    """Delete every curated record and its history, then load the seed again."""
    for model in curated_models():
        model._base_manager.all().delete()
    seed_load()
