"""Import a Zotero library (or one collection) through the Zotero Web API, incrementally.

The first run imports every item; each later run asks only for the items changed since the
library version the last one reached. Exit status as `import_bibtex`: 0 when it did what was
asked (invalid items skipped and reported), 1 when nothing could be imported (the service
could not be reached, or every item was invalid), 2 on a usage error."""

from django.core.management.base import BaseCommand, CommandError

from citations.importing.report import item_lines
from citations.importing.zotero import zotero_library_sync
from citations.management.commands.import_bibtex import EXIT_HELP, USAGE_ERROR
from citations.models import ZoteroLibrary
from citations.sources.http import SourceError

SUMMARY = (
    "{library}: {fetched} item(s) changed since version {since}; "
    "{new} new, {duplicate} known, {invalid} invalid."
)
WRITTEN = (
    "Created {created}, updated {updated}, skipped {skipped}; library now at version {version}."
)
DRY_RUN = "Dry run: nothing was written."
NOTHING_IMPORTED = "Nothing could be imported from {library}."
NEEDS_LIBRARY = "Name one library: --group ID or --user ID."


class Command(BaseCommand):
    help = "Import a Zotero group or user library (or one collection), incrementally. " + EXIT_HELP

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--group", metavar="ID", help="A Zotero group library ID.")
        which.add_argument("--user", metavar="ID", help="A Zotero user library ID.")
        parser.add_argument("--collection", default="", metavar="KEY", help="One collection.")
        parser.add_argument("--dry-run", action="store_true", help="Report the plan only.")

    def handle(self, *args, group, user, collection, dry_run, **options):
        library_id = group or user
        if not library_id.isdigit():
            raise CommandError(NEEDS_LIBRARY, returncode=USAGE_ERROR)
        kind = ZoteroLibrary.Kind.GROUP if group else ZoteroLibrary.Kind.USER
        library, _ = ZoteroLibrary.objects.get_or_create(
            kind=kind, library_id=library_id, collection=collection
        )
        since = library.version
        try:
            sync = zotero_library_sync(library=library, dry_run=dry_run)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        counts = sync.plan.counts
        self.stdout.write(
            SUMMARY.format(library=library, fetched=sync.fetched, since=since, **counts)
        )
        for item in sync.plan.items:
            for line in item_lines(item):
                self.stdout.write(line)
        if sync.result is None:
            self.stdout.write(DRY_RUN)
            return
        if not sync.result.written or (
            counts["invalid"] and not counts["new"] + counts["duplicate"]
        ):
            raise CommandError(sync.result.refused or NOTHING_IMPORTED.format(library=library))
        result = sync.result
        self.stdout.write(
            WRITTEN.format(
                created=result.created,
                updated=result.updated,
                skipped=result.skipped,
                version=library.version,
            )
        )
