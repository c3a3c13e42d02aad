"""Export references as BibTeX, streamed: all of them, or those of one claim or topic.

A command of claims, not citations: choosing references by claim or topic reads claims.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from citations.exports import bibtex_stream
from citations.models import Reference
from claims.models import Claim, Topic

UNKNOWN_CLAIM = "No claim with the slug {slug!r}."
UNKNOWN_TOPIC = "No topic with the slug {slug!r}."


class Command(BaseCommand):
    help = "Write references as BibTeX to a file or to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--claim", metavar="SLUG", help="Only references of this claim.")
        parser.add_argument("--topic", metavar="SLUG", help="Only references of this topic.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Default: standard output.")
        parser.add_argument(
            "--utf8",
            action="store_true",
            help="Write UTF-8 (for biber, XeLaTeX, LuaLaTeX) rather than pdfLaTeX-safe ASCII.",
        )

    def handle(self, *args, claim, topic, output, utf8=False, **options):
        references = Reference.objects.all()
        if claim:
            if not Claim.objects.filter(slug=claim).exists():
                raise CommandError(UNKNOWN_CLAIM.format(slug=claim))
            references = references.cited_by(Claim.objects.filter(slug=claim))
        if topic:
            if not Topic.objects.filter(slug=topic).exists():
                raise CommandError(UNKNOWN_TOPIC.format(slug=topic))
            references = references.cited_by(Claim.objects.filter(topics__slug=topic))
        if output:
            with Path(output).open("w", encoding="utf-8") as stream:
                stream.writelines(bibtex_stream(references, unicode=utf8))
            return
        for chunk in bibtex_stream(references, unicode=utf8):
            self.stdout.write(chunk, ending="")
