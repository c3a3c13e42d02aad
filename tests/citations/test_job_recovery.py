"""An import job whose worker died is failed with its reason, and the curator can retry it."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from citations import services
from citations.heartbeat import Heartbeat
from citations.job_recovery import JOB_WORKER_STOPPED, import_jobs_recover
from citations.models import ImportJob, Reference
from citations.tasks import import_job_start
from tests.processes import ROOT

BIB = "@article{smith2020, title = {Bone}, author = {Smith, Ann}, year = 2020}\n"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def job_url(job) -> str:
    return reverse("admin:citations_reference_import_bibtex_job", args=[job.token])


def running_job(user, *, silent_for: float, data: bytes = BIB.encode()) -> ImportJob:
    job = ImportJob.objects.create(
        user=user, on_duplicate="skip", data=data, state=ImportJob.State.RUNNING
    )
    beat = timezone.now() - timedelta(seconds=silent_for)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat=beat, updated=beat)
    return job


@pytest.mark.django_db
def test_a_silent_running_job_is_failed_with_its_reason_and_keeps_its_file(curator):
    stopped = running_job(curator, silent_for=31)
    alive = running_job(curator, silent_for=5)

    assert import_jobs_recover() == 1

    stopped.refresh_from_db()
    alive.refresh_from_db()
    assert (stopped.state, stopped.message) == (ImportJob.State.FAILED, JOB_WORKER_STOPPED)
    assert bytes(stopped.data) == BIB.encode()
    assert stopped.retryable
    assert alive.state == ImportJob.State.RUNNING


@pytest.mark.django_db
def test_the_job_page_shows_the_reason_and_a_retry_runs_the_import_and_drops_the_file(
    curator_client, curator
):
    job = running_job(curator, silent_for=60)

    page = curator_client.get(job_url(job)).content.decode()
    assert JOB_WORKER_STOPPED in page
    assert 'name="retry"' in page
    assert 'http-equiv="refresh"' not in page

    retried = curator_client.post(job_url(job), {"retry": "1"})  # tests run tasks at once
    job.refresh_from_db()
    assert retried.status_code == 302
    assert (job.state, bytes(job.data)) == (ImportJob.State.DONE, b"")
    assert Reference.objects.get().citekey == "smith2020"


@pytest.mark.django_db
def test_a_job_that_failed_on_its_file_cannot_be_retried(curator_client, curator):
    job = ImportJob.objects.create(
        user=curator, on_duplicate="skip", state=ImportJob.State.FAILED, message="bad file"
    )
    response = curator_client.post(job_url(job), {"retry": "1"}, follow=True)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "Only an import whose worker stopped can be retried" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_the_job_runs(curator, settings):
    settings.LEDGER_JOB_HEARTBEAT_SECONDS = 0.05
    job = running_job(curator, silent_for=60)
    with Heartbeat(job.pk):
        time.sleep(0.5)
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat < timedelta(seconds=1)


def worker_env() -> dict:
    """The worker runs the production settings' task backend on this test database."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-worker-secret-for-tests-" + "x" * 40,
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "LEDGER_JOB_HEARTBEAT_SECONDS": "0.5",
    }


def wait_for(condition, seconds: float, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {seconds} s")


def big_bibtex(entries: int) -> bytes:
    return "".join(
        f"@article{{k{n}, title = {{Title {n}}}, author = {{Author, A{n}}}, year = 2000}}\n"
        for n in range(entries)
    ).encode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_a_failed_retryable_job_that_a_new_worker_imports(
    curator_client, curator, settings
):
    settings.TASKS = DB_TASKS
    settings.LEDGER_JOB_STALE_SECONDS = 2
    job = ImportJob.objects.create(user=curator, on_duplicate="skip", data=big_bibtex(20000))
    import_job_start(job)
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: nothing of it outlives the test
    )
    try:
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).state == ImportJob.State.RUNNING, 60)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    killed_at = time.monotonic()

    def failed_page():
        page = curator_client.get(job_url(job)).content.decode()
        return page if JOB_WORKER_STOPPED in page else None

    page = wait_for(failed_page, 30, step=0.5)
    job.refresh_from_db()
    task = DBTaskResult.objects.get(id=job.task_id)
    assert time.monotonic() - killed_at < 10  # stale after 2 s here; 30 s by default
    assert 'name="retry"' in page
    assert (job.state, job.retryable, Reference.objects.count()) == ("failed", True, 0)
    assert task.status == TaskResultStatus.FAILED

    curator_client.post(job_url(job), {"retry": "1"})
    batch = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--batch"],
        cwd=ROOT,
        env=worker_env(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    job.refresh_from_db()
    assert batch.returncode == 0, batch.stderr
    assert (job.state, bytes(job.data)) == (ImportJob.State.DONE, b"")
    assert job.message == services.JOB_DONE.format(created=20000, updated=0, skipped=0)


@pytest.mark.django_db
def test_recover_jobs_fails_stopped_jobs_and_deletes_abandoned_ones(curator):
    stopped = running_job(curator, silent_for=60)
    abandoned = ImportJob.objects.create(
        user=curator, on_duplicate="skip", data=b"x", state=ImportJob.State.FAILED
    )
    ImportJob.objects.filter(pk=abandoned.pk).update(updated=timezone.now() - timedelta(days=2))

    call_command("recover_jobs")

    assert ImportJob.objects.get(pk=stopped.pk).message == JOB_WORKER_STOPPED
    assert not ImportJob.objects.filter(pk=abandoned.pk).exists()


@pytest.mark.django_db
def test_a_queued_job_whose_task_a_dead_worker_claimed_is_failed_too(curator, settings):
    settings.TASKS = DB_TASKS
    job = ImportJob.objects.create(user=curator, on_duplicate="skip", data=BIB.encode())
    import_job_start(job)
    job.refresh_from_db()
    long_ago = timezone.now() - timedelta(minutes=5)
    DBTaskResult.objects.filter(id=job.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago
    )

    assert import_jobs_recover() == 1
    job.refresh_from_db()
    assert (job.state, job.retryable) == (ImportJob.State.FAILED, True)
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
