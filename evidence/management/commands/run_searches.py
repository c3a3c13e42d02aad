"""manage.py run_searches [--claim SLUG] [--due]: re-run saved searches (living evidence).

Every saved search, or one claim's (`--claim`), or only those due (`--due`: never run, or
not in the last `LEDGER_SEARCH_EVERY_DAYS` days; what cron or the scheduled task runs).
New records become candidates in the curator inbox; each search commits on its own, so an
interrupted run resumes with `--due`. A source that fails is reported and the run goes on.
`--email` mails the curators a digest of every candidate and record alert not mailed yet
(evidence.digest), including those an earlier run without `--email` found.
"""

from django.core.management.base import BaseCommand, CommandError

from claims.models import Claim
from config.progress import Progress
from evidence.digest import digest_send
from evidence.living import searches_due, searches_run
from evidence.search_models import SavedSearch

SUMMARY = "Ran {runs} searches: {found} records found, {duplicates} already known, {new} new."
ERROR_LINE = "  {claim} ({source}: {query}): {message}"
DIGEST = "Digest: {count} new studies mailed to the curators."
NO_CLAIM = "No claim has the slug {slug!r}."


class Command(BaseCommand):
    help = "Re-run saved searches; new records become candidates for curators to screen."

    def add_arguments(self, parser):
        parser.add_argument("--claim", metavar="SLUG", help="Only this claim's searches.")
        parser.add_argument(
            "--due", action="store_true", help="Only searches not run in the last interval."
        )
        parser.add_argument(
            "--email", action="store_true", help="Mail the curators a digest of what is new."
        )

    def handle(self, *args, claim=None, due=False, email=False, **options):
        chosen = None
        if claim:
            chosen = Claim.objects.filter(slug=claim).first()
            if chosen is None:
                raise CommandError(NO_CLAIM.format(slug=claim))
        if due:
            searches = searches_due(claim=chosen)
        else:
            searches = SavedSearch.objects.select_related("claim").order_by("pk")
            searches = searches.filter(claim=chosen) if chosen else searches
        searches = list(searches)
        progress = Progress(
            self.stdout, len(searches), label="Searching", noun="searches", every=10
        )
        results, errors = searches_run(searches=searches, each=progress)
        progress.clear()
        totals = {k: sum(getattr(r, k) for r in results) for k in ("found", "duplicates", "new")}
        self.stdout.write(SUMMARY.format(runs=len(results), **totals))
        if email:
            listed = digest_send()
            self.stdout.write(DIGEST.format(count=listed))
        for search, message in errors:
            line = ERROR_LINE.format(
                claim=search.claim.slug, source=search.source, query=search.query, message=message
            )
            self.stderr.write(line)
        if errors:
            raise CommandError(f"{len(errors)} searches failed; they stay due.")
