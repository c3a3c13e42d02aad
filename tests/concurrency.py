"""Two writers at once on two PostgreSQL connections (real threads, committed transactions):
helpers of the lock-order tests."""

import threading
import time

from django.db import connection, transaction

from claims.models import Claim


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int, seconds: float = 5) -> None:
    """Until the backend `pid` waits for a lock, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
        if row is not None and row[0] == "Lock":
            return
        time.sleep(0.05)


def holding_then(hold, then) -> tuple:
    """`hold` and `then` wrapped for two connections (`run_together`): the wrapped `hold`
    returns only once the wrapped `then`, started after `hold` ran, waits for a lock, so
    `then` runs while what `hold` took is held (`hold` is often a locking step patched in)."""
    pid, held, started = [], threading.Event(), threading.Event()

    def holding(*args, **kwargs):
        result = hold(*args, **kwargs)
        held.set()
        started.wait(timeout=10)
        wait_until_blocked(pid[0])  # `then` now waits for this connection
        return result

    def then_while_held():
        held.wait(timeout=10)
        pid.append(backend_pid())
        started.set()
        then()

    return holding, then_while_held


def run_together(*works) -> list[Exception]:
    """Run each of `works` in its own thread and connection; the exceptions they raised."""
    errors = []

    def run(work) -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
            errors.append(exc)
        finally:
            connection.close()  # This thread's own connection.

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def in_key_order_while(step, first, then) -> list:
    """Run `step` while another connection locks claim `first`, then (once `step` waits)
    claim `then`, in key order as a batch regrade does; the exceptions raised (a deadlock is
    one)."""
    assert first.pk < then.pk
    step_pid, step_started = [], threading.Event()

    def batch():
        with transaction.atomic():
            Claim.objects.select_for_update().get(pk=first.pk)
            step_started.wait(timeout=10)
            wait_until_blocked(step_pid[0])
            Claim.objects.select_for_update().get(pk=then.pk)

    def run_step():
        step_pid.append(backend_pid())
        step_started.set()
        step()

    return run_together(batch, run_step)


def before_claim_locks(work, times: int = 1) -> tuple:
    """A query wrapper (connection.execute_wrapper) that runs `work` on another connection,
    to its commit, just before each of this connection's first `times` statements locking
    claims (FOR UPDATE); and the list of the exceptions it raised."""
    errors, runs = [], []

    def wrapper(execute, sql, params, many, context):
        if len(runs) < times and "FOR UPDATE" in sql and '"claims_claim"' in sql:
            runs.append(True)
            errors.extend(run_together(work))
        return execute(sql, params, many, context)

    return wrapper, errors
