"""manage.py regrade: recompute every claim's grade (after a rubric change or a data load)."""

from django.core.management.base import BaseCommand

from claims.models import Claim
from evidence.services import claims_regrade


class Command(BaseCommand):
    help = "Recompute and store the grade of every claim from its evidence."

    def handle(self, *args, **options):
        total, changed = claims_regrade(claims=Claim.objects.all())
        self.stdout.write(f"Regraded {total} claims; {changed} changed.")
