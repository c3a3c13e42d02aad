"""manage.py regrade: recompute every claim's grade (after a rubric change or a data load)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from claims.models import Claim
from config.progress import Progress
from evidence.facts import current_rubric, rubric_named
from evidence.rubrics import RUBRICS
from evidence.services import REGRADE_BATCH_SIZE, claims_regrade

SUMMARY = "Regraded {total} claims with {rubric}; {changed} {verb}."
LOG_EVERY_S = 10.0  # when stderr is not a terminal: a line at most this often, and the last


class Command(BaseCommand):
    help = (
        "Recompute and store the grade of every claim from its evidence, printing each claim"
        " whose level or direction changes (old -> new). Changes are recorded in the claim's"
        " history with the reason 'rubric change'. Progress goes to stderr (not at -v 0)."
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
        parser.add_argument(
            "--batch-size",
            type=int,
            default=REGRADE_BATCH_SIZE,
            help=f"Claims per transaction (default {REGRADE_BATCH_SIZE}).",
        )

    def handle(self, *args, rubric=None, dry_run=False, batch_size=REGRADE_BATCH_SIZE, **options):
        try:
            rubric = rubric_named(rubric) if rubric else current_rubric()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        progress = None
        if options["verbosity"]:
            total = Claim.objects.count()
            progress = Progress(
                self.stderr, total, label="Regrading", noun="claims", every=LOG_EVERY_S
            )
        shared = progress and self.stdout.isatty()  # changes and progress on one terminal

        def report(change) -> None:
            if shared:
                progress.clear()
            self.stdout.write(str(change))

        total, changed = claims_regrade(
            rubric=rubric,
            dry_run=dry_run,
            batch_size=batch_size,
            on_change=report,
            on_progress=progress,
        )
        if progress:
            progress.clear()  # when claims were deleted meanwhile, the line never finished
        verb = "would change" if dry_run else "changed"
        self.stdout.write(SUMMARY.format(total=total, rubric=rubric, changed=changed, verb=verb))
