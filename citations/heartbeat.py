"""A running import job's heartbeat: proof, every few seconds, that its worker is alive.

While a job runs, a thread of the worker process writes `ImportJob.heartbeat` every
`settings.LEDGER_JOB_HEARTBEAT_SECONDS`, on a connection of its own, whatever the import is
doing (parsing a large file reports no progress for a while). The thread dies with its
process (kill -9, the OOM killer, a lost machine), so a heartbeat older than
`settings.LEDGER_JOB_STALE_SECONDS` means the worker is gone (citations.job_recovery).
"""

import threading

from django.conf import settings
from django.db import DatabaseError, connection

from citations.models import ImportJob

# SKIP LOCKED: a beat never waits for a lock on the job's row (it skips one beat instead).
BEAT = (
    f"UPDATE {ImportJob._meta.db_table} SET heartbeat = now() WHERE id = ("  # noqa: S608
    f"SELECT id FROM {ImportJob._meta.db_table} WHERE id = %s AND state = %s "
    "FOR UPDATE SKIP LOCKED)"
)


class Heartbeat:
    """`with Heartbeat(job_id):` beats for the job until the block ends."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(timeout=settings.LEDGER_JOB_HEARTBEAT_SECONDS)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.LEDGER_JOB_HEARTBEAT_SECONDS):
                try:
                    with connection.cursor() as cursor:  # this thread's own connection
                        cursor.execute(BEAT, [self.job_id, ImportJob.State.RUNNING])
                except DatabaseError:
                    connection.close()  # a missed beat; the next one reconnects
        finally:
            connection.close()
