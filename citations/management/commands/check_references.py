"""Check stored references offline: every identifier must be valid and in normal form."""

from django.core.management.base import BaseCommand, CommandError

from citations.identifiers import NORMALIZERS, InvalidIdentifier
from citations.models import Reference

INVALID_LINE = "{citekey}: {field} {value!r}: {error}"
NOT_NORMAL_LINE = (
    "{citekey}: {field} {value!r} is stored as written; its normal form is {normal!r}."
)
SUMMARY = "Checked {count} reference(s): {problems} problem(s)."
PROBLEMS_FOUND = "Some stored identifiers are invalid or not normalised: see the lines above."


def identifier_problems(reference) -> list[str]:
    """What is wrong with a reference's identifiers, one line each (no network access)."""
    problems = []
    for field, normalize in NORMALIZERS.items():
        value = getattr(reference, field)
        if not value:
            continue
        try:
            normal = normalize(value)
        except InvalidIdentifier as exc:
            problems.append(
                INVALID_LINE.format(citekey=reference.citekey, field=field, value=value, error=exc)
            )
            continue
        if normal != value:
            problems.append(
                NOT_NORMAL_LINE.format(
                    citekey=reference.citekey, field=field, value=value, normal=normal
                )
            )
    return problems


class Command(BaseCommand):
    help = "Validate the DOI, PMID, PMCID and ISBN of every stored reference (offline)."

    def handle(self, *args, **options):
        count = problems = 0
        columns = ["citekey", *NORMALIZERS]
        for reference in Reference.objects.only(*columns).order_by("citekey").iterator(2000):
            count += 1
            for line in identifier_problems(reference):
                problems += 1
                self.stdout.write(line)
        self.stdout.write(SUMMARY.format(count=count, problems=problems))
        if problems:
            raise CommandError(PROBLEMS_FOUND)
