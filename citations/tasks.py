"""Background jobs (django-tasks): the admin's BibTeX imports, run by `manage.py db_worker`.

A task is a thin entry point, like a management command: the work is in `citations.services`.
"""

from django_tasks import task

from citations.models import ImportJob
from citations.services import import_job_run


@task()
def run_import_job(job_id: int) -> None:
    import_job_run(job_id=job_id)


def import_job_start(job: ImportJob) -> None:
    """Queue a previewed job; the worker runs it (tests: at once, in this process)."""
    job.state = ImportJob.State.QUEUED
    job.save(update_fields=["state", "updated"])
    run_import_job.enqueue(job.pk)
