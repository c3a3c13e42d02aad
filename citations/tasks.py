"""Background jobs (django-tasks): the admin's BibTeX imports, and previews of files too
large to preview within a request (API dry runs, admin uploads), run by `manage.py db_worker`.

A task is a thin entry point, like a management command: the work is in `citations.services`
and, for jobs whose worker died, `citations.job_recovery`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks import task

from citations.job_recovery import import_jobs_recover
from citations.models import ImportJob
from citations.services import JOB_PREVIEW_QUEUED, import_job_preview, import_job_run

CANNOT_RETRY = "Only an import whose worker stopped can be retried: upload the file again."


@task()
def run_import_job(job_id: int) -> None:
    import_jobs_recover()  # a worker that starts a job sweeps up after dead ones
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
    job.state, job.stage, job.message, job.heartbeat = ImportJob.State.QUEUED, "", "", None
    job.save(update_fields=["state", "stage", "message", "heartbeat", "done", "total", "updated"])
    result = run_import_job.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def import_job_retry(*, job: ImportJob) -> None:
    """Queue again a job whose worker stopped (its file was kept)."""
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not locked.retryable:
            raise ValidationError(CANNOT_RETRY)
        locked.done = locked.total = 0
        import_job_start(locked)
