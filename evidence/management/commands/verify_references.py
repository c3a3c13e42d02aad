"""manage.py verify_references: match references to metadata records, accept the clear ones.

Each reference's citation (`as_cited`, else its stored record) is looked up (identifiers
first, then Crossref's bibliographic search). A candidate is accepted on its own only by the
rule of citations.sources.matching (an identifier agrees, or one candidate is clearly ahead with a
closely similar title and the same first author); the rest are listed for curators. Each
reference is written in its own transaction with its check time, so an interrupted run
resumes where it stopped, and a scheduled run skips what was checked recently.
"""

from datetime import timedelta

from django.utils import timezone

from citations.models import Reference
from evidence import verification as v
from evidence.management.base import ReferenceCheckCommand

SUMMARY = (
    "Checked {checked}: matched {matched}, discrepancies {discrepancy}, "
    "for curators {for_curators}, not found {no_candidate}, errors {error}."
)
LINES = {
    v.MATCHED: "  {citekey}: verified against {source} ({ident})",
    v.DISCREPANCY: "  {citekey}: cited with discrepancies; verified against {source} ({ident})",
    v.FOR_CURATORS: "  {citekey}: for curators: best candidate {ident}, score {score}, "
    "title {similarity:.0%} similar",
    v.NO_CANDIDATE: "  {citekey}: no good candidate; a curator may mark it not found",
    v.ERROR: "  {citekey}: error: {message}",
}


class Command(ReferenceCheckCommand):
    help = "Look references up in Crossref, PubMed, doi.org and Open Library; accept clear matches."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--only-unverified", action="store_true")
        parser.add_argument(
            "--recheck-days",
            type=int,
            default=30,
            help="Skip references checked in the last N days (default 30).",
        )

    def handle(self, *args, only_unverified, limit, dry_run, recheck_days, **options):
        before = timezone.now() - timedelta(days=recheck_days)
        due = Reference.objects.due_for_verification(
            checked_before=before, only_unverified=only_unverified
        ).with_contributors()
        outcomes = self.check_each(due, v.reference_verify, limit=limit, dry_run=dry_run)
        self.report(outcomes, dry_run)

    def report(self, outcomes, dry_run: bool) -> None:
        counts = dict.fromkeys(LINES, 0)
        for outcome in outcomes:
            counts[outcome.status] += 1
            self.stdout.write(LINES[outcome.status].format(**line_values(outcome)))
        self.stdout.write(SUMMARY.format(checked=len(outcomes), **counts))
        self.finish(outcomes, dry_run=dry_run)


def line_values(outcome) -> dict:
    candidate = outcome.candidate
    record = candidate.record if candidate else None
    fields = record.fields if record else {}
    return {
        "citekey": outcome.reference.citekey,
        "source": candidate.found.source if candidate else "",
        "ident": fields.get("doi") or fields.get("pmid") or fields.get("isbn") or "-",
        "score": f"{candidate.score:g}" if candidate and candidate.score is not None else "-",
        "similarity": candidate.title_similarity if candidate else 0.0,
        "message": outcome.message,
    }
