"""The task queue behind django-tasks, as operations see it: what is waiting, whether it
answers, and how tasks ended.

Two backends (config/settings/base.py): RQ on Redis when REDIS_URL is set (workers on any
machine take jobs from one Redis list, `manage.py rqworker`), rows in the database
otherwise (`manage.py db_worker`). A *ready* task is enqueued and waiting for a worker. An
*outcome* is how a finished task ended, "succeeded" or "failed"; outcomes are counted in the
shared cache by whichever worker ran the task, so every app server reports the same totals.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django_rq import get_connection
from django_rq.queues import DjangoRQ
from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import RQBackend
from rq import Retry, Worker

logger = logging.getLogger(__name__)
OUTCOMES = {TaskResultStatus.SUCCESSFUL: "succeeded", TaskResultStatus.FAILED: "failed"}
OUTCOME_KEY = "tasks:outcome:{}"


class RetryingQueue(DjangoRQ):
    """An RQ queue whose jobs are retried (DJANGO_TASK_RETRIES times, at once) when they
    fail or when their worker dies: RQ re-queues a job that still has retries left, whether
    the work-horse process was killed under a live worker or the worker's heartbeat lapsed
    (StartedJobRegistry.cleanup, which any worker runs on start and every 10 minutes)."""

    def create_job(self, *args, retry=None, **kwargs):
        if retry is None and settings.TASK_RETRIES > 0:
            retry = Retry(max=settings.TASK_RETRIES)
        return super().create_job(*args, retry=retry, **kwargs)


class PromptWorker(Worker):
    """RQ's worker, stopping its pub/sub thread before unsubscribing. Otherwise, with
    redis-py 8, the thread can go back to a 60 s read after the unsubscribe reply and hold up
    every shutdown (a burst run, a deploy, Ctrl-C of `make run`) for that minute."""

    def unsubscribe(self):
        if self.pubsub_thread:
            self.pubsub_thread._running.clear()
        super().unsubscribe()


def ready_counts() -> dict[str, int]:
    """Ready tasks per queue name of the default backend (empty when it keeps no queue)."""
    backend = task_backends["default"]
    if isinstance(backend, RQBackend):
        return {queue.name: queue.count for queue in backend._get_queues()}
    if isinstance(backend, DatabaseBackend):
        ready = DBTaskResult.objects.using(router.db_for_write(DBTaskResult)).ready()
        return {name: ready.filter(queue_name=name).count() for name in sorted(backend.queues)}
    return {}


def ping() -> None:
    """Raise unless the default backend's store answers (Redis, or the tasks' database)."""
    backend = task_backends["default"]
    if isinstance(backend, RQBackend):
        for name in sorted(backend.queues):
            get_connection(name).ping()
    elif isinstance(backend, DatabaseBackend):
        with connections[router.db_for_write(DBTaskResult)].cursor() as cursor:
            cursor.execute("SELECT 1")


def count_outcome(sender, task_result, **kwargs) -> None:
    """django-tasks' task_finished receiver: one more succeeded or failed task. A cache
    that does not answer loses the count, never the task."""
    outcome = OUTCOMES.get(task_result.status)
    if outcome is None:
        return
    key = OUTCOME_KEY.format(outcome)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # the task's own result is what matters
        logger.warning("Could not count a %s task in the cache", outcome, exc_info=True)


def outcome_counts() -> dict[str, int]:
    keys = {OUTCOME_KEY.format(outcome): outcome for outcome in OUTCOMES.values()}
    found = cache.get_many(list(keys))
    return {outcome: int(found.get(key, 0)) for key, outcome in keys.items()}
