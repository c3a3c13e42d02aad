from django.apps import AppConfig
from django.db.models.signals import post_migrate

from citations.search import restore_fts5_triggers


def restore_search_triggers(sender, using, **kwargs):
    restore_fts5_triggers(using)


class CitationsConfig(AppConfig):
    name = "citations"
    verbose_name = "Citations"

    def ready(self):
        # SQLite only: a migration that rebuilt a searched table dropped its index triggers.
        post_migrate.connect(restore_search_triggers, sender=self)
