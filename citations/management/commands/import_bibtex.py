"""Import BibTeX files: plan each file, report it, then write it in one transaction."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from citations import bibtex, importing, readers
from citations.importing.report import item_lines
from citations.services import reference_import_bibtex
from config.progress import Progress

FILE_NOT_FOUND = "No such file: {path}"
SUMMARY = "{path}: {new} new, {duplicate} duplicate, {invalid} invalid."
NOTE_LINE = "  note: {note}"
DRY_RUN = "Dry run: nothing was written."
WRITTEN = "Created {created}, updated {updated}, skipped {skipped} duplicate(s)."
SOME_INVALID = "Some entries were invalid: see the lines above."


class Command(BaseCommand):
    help = "Import references from BibTeX files (a plan is reported before anything is written)."

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
                raise CommandError(str(exc)) from exc
        any_invalid = False
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(FILE_NOT_FOUND.format(path=name))
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
            any_invalid = any_invalid or not outcome.ok
        if any_invalid:
            raise CommandError(SOME_INVALID)

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
