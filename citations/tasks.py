"""Background jobs (django-tasks): the admin's BibTeX imports, and previews of files too
large to preview within a request (API dry runs, admin uploads), run by `manage.py db_worker`.

A task is a thin entry point, like a management command: the work is in `citations.services`.
"""

from django_tasks import task

from citations.models import ImportJob
from citations.services import JOB_PREVIEW_QUEUED, import_job_preview, import_job_run


@task()
def run_import_job(job_id: int) -> None:
    import_job_run(job_id=job_id)


@task()
def run_import_preview(job_id: int) -> None:
    import_job_preview(job_id=job_id)


def import_preview_start(job: ImportJob) -> None:
    """Queue the preview of a file too large to preview within a request."""
    job.state, job.stage = ImportJob.State.QUEUED, JOB_PREVIEW_QUEUED
    job.save(update_fields=["state", "stage", "updated"])
    run_import_preview.enqueue(job.pk)


def import_job_start(job: ImportJob) -> None:
    """Queue a previewed job; the worker runs it (tests: at once, in this process)."""
    job.state = ImportJob.State.QUEUED
    job.save(update_fields=["state", "updated"])
    run_import_job.enqueue(job.pk)
