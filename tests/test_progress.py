"""config/progress.py: one progress line on a command's own stream, asked of that stream
whether it is a terminal (never of sys.stdout)."""

import io
import sys

from django.core.management.base import OutputWrapper

from config.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


def progress(out, total=3, **options):
    return Progress(
        OutputWrapper(out), total, label="Checking", noun="items", clock=Clock(), **options
    )


def test_a_loop_is_counted_after_each_body_in_place_on_a_terminal():
    out, seen = Terminal(), []
    for item in progress(out).over("abc"):
        seen.append((item, out.getvalue().count("\r")))
    assert seen == [("a", 0), ("b", 1), ("c", 2)]  # each step shown once its body has run
    lines = out.getvalue().split("\r")[1:]
    assert lines[0] == "Checking: 1/3 items (33%), 1 items/s, 2s left\x1b[K"
    assert lines[-1] == "Checking: 3/3 items (100%), 1 items/s, 0s left\x1b[K\n"


def test_off_a_terminal_nothing_is_written_unless_asked_for_a_log(monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)  # not asked
    piped = io.StringIO()
    list(progress(piped).over("abc"))
    assert piped.getvalue() == ""
    log = io.StringIO()
    list(progress(log, every=60).over("abc"))
    assert log.getvalue() == "Checking: 3/3 items (100%), 1 items/s, 0s left\n"


def test_a_total_learnt_late_is_used_and_clear_takes_the_line_away():
    out = Terminal()
    bar = progress(out, total=0)
    bar(1, 4)
    assert "1/4 items (25%)" in out.getvalue()
    bar.clear()
    assert out.getvalue().endswith("\x1b[K\r\x1b[K")
    bar(4, 4)
    assert out.getvalue().endswith("4/4 items (100%), 2 items/s, 0s left\x1b[K\n")
