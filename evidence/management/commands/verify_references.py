"""manage.py verify_references: match references to metadata records, accept the clear ones.

Each reference's citation (`as_cited`, else its stored record) is looked up (identifiers
first, then Crossref's bibliographic search). A candidate is accepted on its own only by the
rule of citations.matching (an identifier agrees, or one candidate is clearly ahead with a
closely similar title and the same first author); the rest are listed for curators. Each
reference is written in its own transaction with its check time, so an interrupted run
resumes where it stopped, and a scheduled run skips what was checked recently.
"""

import sys
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from citations.models import Reference
from evidence import verification as v

SUMMARY = (
    "Checked {checked}: matched {matched}, discrepancies {discrepancy}, "
    "for curators {for_curators}, not found {no_candidate}, errors {error}."
)
DRY_RUN = "Dry run: nothing was written."
NOTHING_DONE = "Nothing could be checked: every lookup failed (see the errors above)."
LINES = {
    v.MATCHED: "  {citekey}: verified against {source} ({ident})",
    v.DISCREPANCY: "  {citekey}: cited with discrepancies; verified against {source} ({ident})",
    v.FOR_CURATORS: "  {citekey}: for curators: best candidate {ident}, score {score}, "
    "title {similarity:.0%} similar",
    v.NO_CANDIDATE: "  {citekey}: no good candidate; a curator may mark it not found",
    v.ERROR: "  {citekey}: error: {message}",
}


class Progress:
    """A one-line progress bar on a terminal; silent when the output is piped."""

    def __init__(self, stream, total: int):
        self.stream, self.total, self.done = stream, total, 0
        self.shown = total and sys.stdout.isatty()

    def advance(self) -> None:
        self.done += 1
        if self.shown:
            filled = 30 * self.done // self.total
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total}", ending="")
            self.stream.flush()
            if self.done == self.total:
                self.stream.write("")


class Command(BaseCommand):
    help = "Look references up in Crossref, PubMed, doi.org and Open Library; accept clear matches."

    def add_arguments(self, parser):
        parser.add_argument("--only-unverified", action="store_true")
        parser.add_argument("--limit", type=int, default=None, help="Check at most N references.")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
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
        references = list(due[:limit] if limit else due)
        progress = Progress(self.stdout, len(references))
        outcomes = []
        for reference in references:
            outcomes.append(v.reference_verify(reference=reference, dry_run=dry_run))
            progress.advance()
        self.report(outcomes, dry_run)

    def report(self, outcomes, dry_run: bool) -> None:
        counts = dict.fromkeys(LINES, 0)
        for outcome in outcomes:
            counts[outcome.status] += 1
            self.stdout.write(LINES[outcome.status].format(**line_values(outcome)))
        self.stdout.write(SUMMARY.format(checked=len(outcomes), **counts))
        if dry_run:
            self.stdout.write(DRY_RUN)
        if outcomes and counts[v.ERROR] == len(outcomes):
            raise CommandError(NOTHING_DONE)


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
