"""Tasks the task-queue tests enqueue (a worker imports them by module path)."""

import time
from pathlib import Path

from django_tasks import task


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def fail() -> None:
    raise ValueError("this task always fails")


@task()
def note_attempt_and_wait(path: str, seconds: float) -> str:
    """Append a line to `path` for each attempt, then wait: a worker can be killed meanwhile."""
    with Path(path).open("a") as log:
        log.write("attempt\n")
    time.sleep(seconds)
    return "finished"
