"""Two e-mail digests at once (two `run_searches --email`, say cron's and a curator's), on two
PostgreSQL connections: each candidate is mailed once, and the second digest does not wait
for the first one's mail to go out (evidence.digest: the rows are locked SKIP LOCKED)."""

import threading

import pytest

from evidence import digest
from evidence.search_models import Candidate
from tests.concurrency import run_together
from tests.factories import ClaimFactory, CuratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_digests_at_once_mail_each_candidate_once(monkeypatch):
    CuratorFactory(email="ada@example.org")
    claim = ClaimFactory()
    for number in range(3):
        Candidate.objects.create(claim=claim, source="pubmed", pmid=str(number), title="Study")
    first_locked, second_done = threading.Event(), threading.Event()
    bodies, listed = [], []

    def send_mail(subject, body, sender, addresses):
        if not first_locked.is_set():  # the first digest, its candidates locked
            first_locked.set()
            second_done.wait(timeout=3)
        bodies.append(body)

    monkeypatch.setattr(digest, "send_mail", send_mail)

    def first():
        listed.append(("first", digest.digest_send()))

    def second():
        first_locked.wait(timeout=10)
        listed.append(("second", digest.digest_send()))
        second_done.set()

    assert run_together(first, second) == []
    assert listed == [("second", 0), ("first", 3)]  # the second neither waited nor mailed
    assert len(bodies) == 1
    assert not Candidate.objects.unmailed().exists()
