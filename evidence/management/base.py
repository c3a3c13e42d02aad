"""What the reference-checking commands (`verify_references`, `check_retractions`) share.

`ReferenceCheckCommand` takes `--limit` and `--dry-run`, runs one check per due reference
(each check writes in its own transaction, so an interrupted run resumes where it stopped)
with a progress line on the command's terminal, and ends the report the same way: a dry run
says nothing was written, and a run in which every look-up failed is an error.
"""

from django.core.management.base import BaseCommand, CommandError

from config.progress import Progress
from evidence import verification as v

DRY_RUN = "Dry run: nothing was written."
NOTHING_DONE = "Nothing could be checked: every lookup failed (see the errors above)."


class ReferenceCheckCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Check at most N references.")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")

    def check_each(self, due, check, *, limit: int | None, dry_run: bool) -> list:
        """`check(reference=..., dry_run=...)` of each due reference (at most `limit`)."""
        references = list(due[:limit] if limit else due)
        progress = Progress(self.stdout, len(references), label="Checking", noun="references")
        return [check(reference=ref, dry_run=dry_run) for ref in progress.over(references)]

    def finish(self, outcomes, *, dry_run: bool) -> None:
        if dry_run:
            self.stdout.write(DRY_RUN)
        if outcomes and all(outcome.status == v.ERROR for outcome in outcomes):
            raise CommandError(NOTHING_DONE)
