"""manage.py regrade's progress: claims done, rate and time left on one line of stderr,
rewritten in place on a terminal, plain periodic lines in a log, nothing at verbosity 0."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from claims.models import Claim
from evidence.management.commands.regrade import Progress, duration
from tests.factories import ContributorFactory, EvidenceFactory

LINE = r"Regrading: {done}/3 claims \({percent}%\), [\d,]+ claims/s, \d+s left"


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self, *times):
        self.times = iter(times)

    def __call__(self):
        return next(self.times)


def three_claims():
    for _ in range(3):
        item = EvidenceFactory(design="cohort", sample_size=None)
        ContributorFactory(reference=item.reference, position=0)


@pytest.mark.django_db
def test_progress_is_rewritten_in_place_on_a_terminal_and_cleared_for_each_change():
    three_claims()
    out, err = Terminal(), Terminal()
    call_command("regrade", "--batch-size", "2", stdout=out, stderr=err)
    first, last = LINE.format(done=2, percent=66), LINE.format(done=3, percent=100)
    # the second batch's change clears the line before it is printed on the same terminal
    assert re.fullmatch(rf"\r{first}\x1b\[K\r\x1b\[K\r{last}\x1b\[K\n", err.getvalue())
    assert out.getvalue().endswith("Regraded 3 claims with grade-3; 3 changed.\n")
    Claim.objects.update(grade_level="")
    err = Terminal()
    call_command("regrade", "--batch-size", "2", stdout=io.StringIO(), stderr=err)
    assert re.fullmatch(rf"\r{first}\x1b\[K\r{last}\x1b\[K\n", err.getvalue())  # to a file


@pytest.mark.django_db
def test_progress_in_a_log_is_a_plain_line_and_nothing_at_verbosity_0():
    three_claims()
    err = io.StringIO()
    call_command("regrade", "--batch-size", "2", stdout=io.StringIO(), stderr=err)
    assert re.fullmatch(LINE.format(done=3, percent=100) + "\n", err.getvalue())
    quiet = Terminal()
    call_command("regrade", "--verbosity", "0", stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""


def test_progress_in_a_log_writes_at_most_every_interval_and_at_the_end():
    log = io.StringIO()
    progress = Progress(OutputWrapper(log), 1000, every=10, clock=Clock(0, 5, 12, 13, 20))
    for done in (100, 200, 300, 1000):
        progress(done)
    assert log.getvalue().splitlines() == [
        "Regrading: 200/1,000 claims (20%), 17 claims/s, 48s left",
        "Regrading: 1,000/1,000 claims (100%), 50 claims/s, 0s left",
    ]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0s"), (44.6, "45s"), (187, "3m07s"), (3720, "1h02m")]
)
def test_time_left_reads_as_hours_minutes_seconds(seconds, shown):
    assert duration(seconds) == shown
