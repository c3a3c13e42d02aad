"""Import jobs whose worker died: found by their silent heartbeat, failed with the reason,
their file kept so the curator can retry.

A worker killed mid-import (kill -9, the OOM killer, a lost machine) leaves its job
"running" and its django-tasks task RUNNING for ever: nothing in django-tasks-db notices
(it records which workers claimed a task, not whether they live). Its import transaction
died with its database connection, so nothing was written. `import_jobs_recover()` finds
running jobs whose heartbeat (citations.heartbeat) is older than
`settings.LEDGER_JOB_STALE_SECONDS`, marks each failed with JOB_WORKER_STOPPED and its task
failed, and keeps the uploaded file: the job page offers "Retry" (citations.tasks.
import_job_retry). The file goes when the job ends for good: done, failed on the file
itself, or left for a day (`ImportJob.objects.stale()`).

Who sweeps: the job page on every load (it refreshes every 2 seconds while the curator
watches), the worker before each job it starts, and `manage.py recover_jobs` (once, or
`--every SECONDS` beside the worker), so a dead worker's job is failed within a minute.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from citations.models import ImportJob

JOB_WORKER_STOPPED = (
    "The worker running this import stopped (it was killed or crashed); nothing was written. "
    "Retry it, or upload the file again."
)


class WorkerStopped(Exception):
    """Recorded on the task of a job whose worker stopped."""


@transaction.atomic
def import_jobs_recover() -> int:
    """Fail the running jobs whose worker stopped; how many there were."""
    silent_for = timedelta(seconds=settings.LEDGER_JOB_STALE_SECONDS)
    stopped = ImportJob.objects.stopped(silent_for=silent_for) | _claimed_but_never_started(
        silent_for
    )
    found = dict(stopped.select_for_update(skip_locked=True).values_list("pk", "task_id"))
    if not found:
        return 0
    ImportJob.objects.filter(pk__in=found).update(
        state=ImportJob.State.FAILED, stage="", message=JOB_WORKER_STOPPED, updated=timezone.now()
    )
    DBTaskResult.objects.filter(
        id__in=_uuids(found.values()), status=TaskResultStatus.RUNNING
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.{WorkerStopped.__qualname__}",
        traceback=JOB_WORKER_STOPPED,
    )
    return len(found)


def _claimed_but_never_started(silent_for: timedelta):
    """Queued jobs whose task a worker claimed long ago, but that never said "running": the
    worker died between the two."""
    claimed = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - silent_for
    ).values_list("id", flat=True)
    task_ids = [str(task_id) for task_id in claimed]
    return ImportJob.objects.filter(state=ImportJob.State.QUEUED, task_id__in=task_ids)


def _uuids(task_ids) -> list[str]:
    return [task_id for task_id in task_ids if task_id]
