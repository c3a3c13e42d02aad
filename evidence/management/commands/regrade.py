"""manage.py regrade: recompute every claim's grade (after a rubric change or a data load)."""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from claims.models import Claim
from evidence.facts import current_rubric, rubric_named
from evidence.rubrics import RUBRICS
from evidence.services import REGRADE_BATCH_SIZE, claims_regrade

PROGRESS = "Regrading: {done:,}/{total:,} claims ({percent}%), {rate:,.0f} claims/s, {left} left"
SUMMARY = "Regraded {total} claims with {rubric}; {changed} {verb}."
LOG_EVERY_S = 10.0  # when stderr is not a terminal: a line at most this often, and the last


class Progress:
    """Claims done of `total`, rate and time left, on one line of `stream` (stderr).

    On a terminal the line is rewritten in place after every batch; in a log, a plain line at
    most every `every` seconds and one at the end.
    """

    def __init__(self, stream, total: int, *, every: float = LOG_EVERY_S, clock=time.monotonic):
        self.stream, self.total, self.every, self.clock = stream, total, every, clock
        self.tty = stream.isatty()
        self.start = self.shown = clock()
        self.in_place = False  # a line on the terminal waits to be rewritten

    def __call__(self, done: int) -> None:
        now, last = self.clock(), done >= self.total
        if not (self.tty or last or now - self.shown >= self.every):
            return
        self.shown, rate = now, done / max(now - self.start, 1e-9)
        line = PROGRESS.format(
            done=done,
            total=self.total,
            percent=100 * done // max(self.total, 1),
            rate=rate,
            left=duration((self.total - done) / rate if rate else 0),
        )
        if self.tty:
            self.stream.write(f"\r{line}\x1b[K", style_func=plain, ending="\n" if last else "")
            self.stream.flush()
            self.in_place = not last
        else:
            self.stream.write(line, style_func=plain)

    def clear(self) -> None:
        """Take the in-place line away, so that other output starts at a clean line."""
        if self.in_place:
            self.stream.write("\r\x1b[K", style_func=plain, ending="")
            self.in_place = False


def plain(text: str) -> str:
    return text  # progress is not an error: no error colour on stderr


def duration(seconds: float) -> str:
    """'45s', '3m07s', '1h02m'."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


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
        progress = Progress(self.stderr, Claim.objects.count()) if options["verbosity"] else None
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
