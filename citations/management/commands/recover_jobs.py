"""Fail the import jobs whose worker stopped (citations.job_recovery), and delete the jobs
left for a day with their files: once, for cron, or every few seconds beside the worker
(`--every 20`)."""

import time

from django.core.management.base import BaseCommand

from citations.job_recovery import import_jobs_recover
from citations.models import ImportJob


class Command(BaseCommand):
    help = "Fail, retryable, the running import jobs whose worker stopped heart-beating."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds.")

    def handle(self, *args, every: float, **options):
        while True:
            found = import_jobs_recover()
            ImportJob.objects.stale().delete()
            if found:
                self.stdout.write(f"{found} import job(s) whose worker stopped: failed, retryable.")
            if not every:
                return
            time.sleep(every)
