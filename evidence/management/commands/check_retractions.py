"""manage.py check_retractions: ask Crossref and PubMed whether cited records were retracted.

Every reference with a DOI or PMID that was not asked about since `--since` (default: in the
last 24 hours) is checked: Crossref's `updated-by` and update notices, PubMed's "Retracted
Publication" type. A more serious state than the stored one (corrected < expression of
concern < retracted) is recorded with its notice, and the claims citing the reference are
regraded in the same transaction. Each reference records when it was checked, so an
interrupted run resumes and a scheduled run does not repeat itself.
"""

from datetime import datetime, time, timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from citations.models import Reference, Retraction
from evidence import verification as v
from evidence.management.base import ReferenceCheckCommand

SUMMARY = (
    "Checked {checked}: retracted {retracted}, expressions of concern {expression_of_concern}, "
    "corrected {corrected}, unchanged {unchanged}, errors {error}."
)
CHANGED_LINE = "  {citekey}: {state} (notice {notice})"
ERROR_LINE = "  {citekey}: error: {message}"
BAD_DATE = "--since expects a date as YYYY-MM-DD, e.g. 2026-01-31."


def since_date(value: str) -> datetime:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - made aware below
    except ValueError as exc:
        raise CommandError(BAD_DATE) from exc
    return timezone.make_aware(datetime.combine(day, time.min))


class Command(ReferenceCheckCommand):
    help = "Check cited records for retractions, expressions of concern and corrections."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--since",
            type=since_date,
            default=None,
            metavar="DATE",
            help="Check references not checked since DATE (default: not in the last 24 hours).",
        )

    def handle(self, *args, since, limit, dry_run, **options):
        before = since or timezone.now() - timedelta(hours=24)
        due = Reference.objects.due_for_retraction_check(checked_before=before)
        check = v.reference_check_retraction
        outcomes = self.check_each(due, check, limit=limit, dry_run=dry_run)
        self.report(outcomes, dry_run)

    def report(self, outcomes, dry_run: bool) -> None:
        counts = {state: 0 for state in (*Retraction.values, v.UNCHANGED, v.ERROR)}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            ref = outcome.reference
            if outcome.status == v.ERROR:
                self.stdout.write(ERROR_LINE.format(citekey=ref.citekey, message=outcome.message))
            elif outcome.status in Retraction.values:
                state = Retraction(outcome.status).label.lower()
                notice = ref.retraction_notice or "-"
                self.stdout.write(
                    CHANGED_LINE.format(citekey=ref.citekey, state=state, notice=notice)
                )
        self.stdout.write(SUMMARY.format(checked=len(outcomes), **counts))
        self.finish(outcomes, dry_run=dry_run)
