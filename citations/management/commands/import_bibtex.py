"""Import BibTeX files: plan each file, report it, then write it in one transaction.

Exit status (`EXIT_HELP`): 0 when the command did what was asked (every file written, or
previewed, with `--skip-invalid` the invalid entries skipped and reported); 1 when a file
could import nothing (an invalid entry without `--skip-invalid`, only invalid entries,
duplicates with `--on-duplicate=fail`, a concurrent import); 2 on a usage error (an unknown
option, a missing file, an unknown encoding)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from citations import bibtex, importing, readers
from citations.importing.applying import refusal
from citations.importing.report import item_lines
from citations.services import reference_import_bibtex
from config.progress import Progress

FILE_NOT_FOUND = "No such file: {path}"
SUMMARY = "{path}: {new} new, {duplicate} duplicate, {invalid} invalid."
NOTE_LINE = "  note: {note}"
DRY_RUN = "Dry run: nothing was written."
WRITTEN = "Created {created}, updated {updated}, skipped {skipped} duplicate(s)."
NOTHING_IMPORTED = "Nothing could be imported from {path}."
SKIPPED_INVALID = "{path}: skipped {count} invalid entr{ies} (see the lines above)."
FAILED_FILES = "Nothing could be imported from {count} of {total} file(s): see the lines above."
USAGE_ERROR = 2  # The exit status of a usage error, as argparse gives for unknown options.
EXIT_HELP = (
    "Exit status: 0 when it did what was asked (with --skip-invalid, the invalid entries are "
    "skipped and reported); 1 when a file could import nothing; 2 on a usage error."
)


def could_import(outcome, *, on_duplicate: str, skip_invalid: bool) -> bool:
    """Did an import (or its dry run) do what was asked? False when nothing could be imported:
    it was refused, or every entry was invalid."""
    plan = outcome.plan
    counts = plan.counts
    if counts[importing.INVALID] and not counts[importing.NEW] + counts[importing.DUPLICATE]:
        return False
    if outcome.result is None:
        return not refusal(plan, on_duplicate, skip_invalid)
    return outcome.result.written


class Command(BaseCommand):
    help = (
        "Import references from BibTeX files (a plan is reported before anything is written). "
        + EXIT_HELP
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Report the plan only.")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Write the valid entries anyway."
        )
        parser.add_argument(
            "--on-duplicate", choices=importing.ON_DUPLICATE_CHOICES, default=importing.SKIP
        )
        parser.add_argument(
            "--encoding",
            help="The files' encoding when not UTF-8 (e.g. windows-1252); without it a file "
            "that is not valid UTF-8 is refused with the lines that are not.",
        )

    def handle(self, *args, files, dry_run, skip_invalid, on_duplicate, encoding, **options):
        if encoding:
            try:
                encoding = bibtex.check_encoding(encoding)
            except ValueError as exc:
                raise CommandError(str(exc), returncode=USAGE_ERROR) from exc
        for name in files:
            if not Path(name).is_file():
                raise CommandError(FILE_NOT_FOUND.format(path=name), returncode=USAGE_ERROR)
        failed = 0
        for name in files:
            path = Path(name)
            data = path.read_bytes()
            outcome = reference_import_bibtex(
                data=data,
                format=self.format_of(path, data, options),
                encoding=encoding,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                on_duplicate=on_duplicate,
                progress=Progress(self.stdout, 0, label="Importing", noun="entries"),
            )
            self._report(name, outcome)
            if outcome.result is not None and outcome.result.conflict:
                raise CommandError(outcome.result.refused)
            if not could_import(outcome, on_duplicate=on_duplicate, skip_invalid=skip_invalid):
                failed += 1
                self.stderr.write(NOTHING_IMPORTED.format(path=name))
            elif invalid := outcome.plan.counts[importing.INVALID]:
                ies = "y" if invalid == 1 else "ies"
                self.stderr.write(SKIPPED_INVALID.format(path=name, count=invalid, ies=ies))
        if failed:
            raise CommandError(FAILED_FILES.format(count=failed, total=len(files)))

    def format_of(self, path: Path, data: bytes, options: dict) -> str:
        """The reader of a file (`citations.readers.FORMATS`): BibTeX here."""
        return readers.BIBTEX

    def _report(self, name: str, outcome) -> None:
        plan = outcome.plan
        self.stdout.write(SUMMARY.format(path=name, **plan.counts))
        for note in plan.notes:
            self.stdout.write(NOTE_LINE.format(note=note))
        for item in plan.items:
            for line in item_lines(item):
                self.stdout.write(line)
        result = outcome.result
        if result is None:
            self.stdout.write(DRY_RUN)
        elif not result.written:
            self.stderr.write(result.refused)
        else:
            self.stdout.write(
                WRITTEN.format(
                    created=result.created, updated=result.updated, skipped=result.skipped
                )
            )
