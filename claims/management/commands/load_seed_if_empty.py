"""manage.py load_seed_if_empty: the seed for a new database, nothing over a curator's work."""

from django.core.management.base import BaseCommand

from claims.demo import database_is_empty, seed_load

LOADED = "Loaded the seed data set into the empty database."
KEPT = "The database holds curated records: the seed was not loaded (make demo-reset starts over)."


class Command(BaseCommand):
    help = "Load fixtures/seed.json (and grade it) only when no curated record exists yet."

    def handle(self, *args, **options):
        if database_is_empty():
            seed_load()
            self.stdout.write(LOADED)
        else:
            self.stdout.write(KEPT)
