"""Import references from BibTeX, RIS, CSL-JSON, PubMed MEDLINE (.nbib) or PubMed XML files:
the format is `--format`, else each file's extension (`citations.readers.EXTENSIONS`; a .txt
file is MEDLINE when it starts with "PMID- ", else BibTeX). Otherwise as `import_bibtex`:
a plan is reported for each file before anything is written."""

from pathlib import Path

from django.core.management.base import CommandError

from citations import readers
from citations.management.commands.import_bibtex import Command as ImportBibTeX

UNKNOWN_EXTENSION = (
    "{path}: cannot tell the format from the extension; give --format ("
    + ", ".join(readers.FORMATS)
    + ")."
)


class Command(ImportBibTeX):
    help = (
        "Import references from BibTeX, RIS, CSL-JSON, PubMed MEDLINE or PubMed XML files "
        "(the format from --format or each file's extension)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--format",
            dest="reader",
            choices=readers.FORMATS,
            help="The files' format; without it, each file's extension tells "
            "(.bib, .ris, .json, .nbib, .txt, .xml).",
        )

    def format_of(self, path: Path, data: bytes, options: dict) -> str:
        if options.get("reader"):
            return options["reader"]
        found = readers.format_for_filename(path.name, data)
        if found is None:
            raise CommandError(UNKNOWN_EXTENSION.format(path=path))
        return found
