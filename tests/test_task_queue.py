"""Tasks on RQ (Redis): jobs the app enqueues are run by real `manage.py rqworker` processes,
and a job whose worker is killed runs again (RQ's retries, config.task_queue.RetryingQueue).

Uses Redis database 9 of the local server (flushed before and after, nothing else) and the
test database, which the worker processes reach through DATABASE_URL.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import django_rq
import pytest
import redis
from django.db import connection
from django_tasks.base import TaskResultStatus

from citations.models import ImportJob, Reference
from citations.tasks import import_job_start, run_import_job
from config import task_queue
from tests import sample_tasks
from tests.factories import CuratorFactory
from tests.processes import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REDIS_URL = "redis://127.0.0.1:6379/9"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
BIBTEX = b"@article{smith2020, title={Bone density}, author={Smith, Jane}, year=2020}\n"


@pytest.fixture
def rq_backend(settings):
    """The app's tasks go to RQ on Redis database 9, as with REDIS_URL set (base.py)."""
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis server at {REDIS_URL} (CI runs one)")
    server.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {
        "default": {**settings.RQ_QUEUES["default"], "URL": REDIS_URL, "DEFAULT_TIMEOUT": 120}
    }
    settings.TASK_RETRIES = 2
    yield django_rq.get_queue("default")
    server.flushdb()


def worker(*args: str) -> subprocess.Popen:
    """`manage.py rqworker default ARGS` as deployed: base settings, REDIS_URL, our database."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "worker-test-key-" + "x" * 40,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "REDIS_URL": REDIS_URL,
    }
    command = [sys.executable, "manage.py", "rqworker", "default", *args]
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
    return subprocess.Popen(command, cwd=ROOT, env=env, **output)


def finish(process: subprocess.Popen, timeout: float = 90) -> str:
    output, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, output.decode()
    return output.decode()


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def children(process: subprocess.Popen) -> list[int]:
    """The worker's work-horses: RQ forks one process per job."""
    found = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
    return [int(pid) for pid in found.split()]


def attempts(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_an_import_job_enqueued_by_the_app_is_run_by_an_rq_worker(rq_backend, settings):
    # The cache the worker counts outcomes in (REDIS_URL), read from here too.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS_URL},
    }
    job = ImportJob.objects.create(user=CuratorFactory(), on_duplicate="skip", data=BIBTEX)

    import_job_start(job)
    (task_id,) = rq_backend.job_ids  # waiting in Redis, not run in this process
    assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.QUEUED
    assert task_queue.ready_counts() == {"default": 1}

    started = time.monotonic()
    finish(worker("--burst"))

    # Within seconds: RQ's own worker could wait out a 60 s pub/sub read at shutdown.
    assert time.monotonic() - started < 20
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Reference.objects.get().citekey == "smith2020"
    assert run_import_job.get_result(task_id).status == TaskResultStatus.SUCCESSFUL
    assert task_queue.ready_counts() == {"default": 0}
    assert task_queue.outcome_counts() == {"succeeded": 1, "failed": 0}


def test_a_job_whose_work_horse_is_killed_is_retried_and_finishes(rq_backend, tmp_path):
    log = tmp_path / "attempts"
    result = sample_tasks.note_attempt_and_wait.enqueue(str(log), 2)
    process = worker("--burst")
    wait_for(lambda: attempts(log) == 1)

    (horse,) = children(process)
    os.kill(horse, signal.SIGKILL)  # the process running the job dies (say, the OOM killer)
    output = finish(process)

    assert "Work-horse terminated unexpectedly" in output, output
    assert attempts(log) == 2
    finished = sample_tasks.note_attempt_and_wait.get_result(result.id)
    assert (finished.status, finished.return_value) == (TaskResultStatus.SUCCESSFUL, "finished")


def test_a_job_whose_worker_dies_is_requeued_by_the_next_worker(rq_backend, tmp_path):
    log = tmp_path / "attempts"
    result = sample_tasks.note_attempt_and_wait.enqueue(str(log), 2)
    dead = worker()
    wait_for(lambda: attempts(log) == 1)
    (horse,) = children(dead)
    for pid in [dead.pid, horse]:  # the machine goes: the worker first, then its work-horse
        os.kill(pid, signal.SIGKILL)
    dead.wait()
    assert rq_backend.started_job_registry.get_job_ids() == [result.id]

    # A dead worker's job stays "started" until its heartbeat lapses (a minute or more); then
    # the next worker's maintenance (StartedJobRegistry.cleanup) re-queues it. Run that
    # maintenance as of the time the heartbeat has lapsed.
    rq_backend.started_job_registry.cleanup(timestamp=time.time() + 3600)
    assert rq_backend.job_ids == [result.id]
    finish(worker("--burst"))

    assert attempts(log) == 2
    assert sample_tasks.note_attempt_and_wait.get_result(result.id).status == "SUCCESSFUL"


def test_a_job_over_its_timeout_is_stopped_and_fails(rq_backend, settings, tmp_path):
    settings.RQ_QUEUES["default"]["DEFAULT_TIMEOUT"] = 1
    settings.TASK_RETRIES = 0
    log = tmp_path / "attempts"
    result = sample_tasks.note_attempt_and_wait.enqueue(str(log), 60)

    started = time.monotonic()
    output = finish(worker("--burst"))

    assert time.monotonic() - started < 30, output
    assert "JobTimeoutException" in output, output
    assert sample_tasks.note_attempt_and_wait.get_result(result.id).status == "FAILED"


def test_readyz_pings_the_rq_queue(rq_backend, client):
    response = client.get("/readyz")
    assert (response.status_code, response.json()["queue"]) == (200, "ok")
