"""manage.py regrade: recompute every claim's grade (after a rubric change or a data load)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from evidence.facts import current_rubric, rubric_named
from evidence.rubrics import RUBRICS
from evidence.services import claims_regrade


class Command(BaseCommand):
    help = (
        "Recompute and store the grade of every claim from its evidence, printing each claim"
        " whose level or direction changes (old -> new). Changes are recorded in the claim's"
        " history with the reason 'rubric change'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rubric",
            choices=sorted(RUBRICS),
            help="Grade with this rubric (default: the setting LEDGER_GRADE_RUBRIC).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; write nothing."
        )

    def handle(self, *args, rubric=None, dry_run=False, **options):
        try:
            rubric = rubric_named(rubric) if rubric else current_rubric()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        total, changed = claims_regrade(
            rubric=rubric, dry_run=dry_run, on_change=lambda change: self.stdout.write(str(change))
        )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"Regraded {total} claims with {rubric}; {changed} {verb}.")
