"""manage.py demo_reset: throw away every curated record and load the seed again."""

from django.core.management.base import BaseCommand

from claims.demo import demo_reset

DONE = "Deleted every claim, reference, person, topic and evidence item; loaded the seed again."


class Command(BaseCommand):
    help = "Start over: delete the curated records and their history, load the seed (users stay)."

    def handle(self, *args, **options):
        demo_reset()
        self.stdout.write(DONE)
