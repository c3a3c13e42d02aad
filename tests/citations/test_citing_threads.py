"""Formatted citations from two threads at once (gunicorn with GUNICORN_THREADS > 1): one
thread formats a style as HTML while another formats the same style as text. citeproc-py keeps
a render's formatter on the parsed style, which the process shares (citations.citing
`load_style`), so each render holds the style's lock. And a render leaves the process's
warning filters alone: citeproc-py's warning about a variable it does not read goes to the log
(citations.citeproc_fixes). Pure, real threads."""

import logging
import sys
import threading
import warnings

import pytest

from citations import citing
from citations.text.records import BibRecord, Name

ROUNDS = 150


def record(number: int) -> BibRecord:
    return BibRecord(
        entry_type="article",
        key=f"omalley{number}",
        fields={
            "title": f"Receptors in bone & marrow {number}",
            "journal": "Journal of Bone and Mineral Research",
            "year": str(1990 + number),
            "volume": str(number),
            "pages": "10--19",
        },
        authors=[Name(family="O'Malley", given="Bert W."), Name(family="Smith", given="Ann")],
    )


@pytest.fixture
def frequent_thread_switches():
    """Switch threads every microsecond, not every 5 ms: a race shows within a few rounds."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("frequent_thread_switches")
@pytest.mark.parametrize("style_id", ["apa", "harvard-cite-them-right"])
def test_html_and_text_of_one_style_at_once_are_those_formatted_one_at_a_time(style_id):
    records = [record(number) for number in range(4)]
    expected = {
        form: citing.bibliography(records, style_id, form=form) for form in ("html", "text")
    }
    assert "<i>" in expected["html"][0]
    assert "<i>" not in expected["text"][0]
    got = {"html": [], "text": []}
    start = threading.Barrier(2)

    def format_many(form: str) -> None:
        start.wait()
        for _ in range(ROUNDS):
            got[form].append(citing.bibliography(records, style_id, form=form))

    threads = [threading.Thread(target=format_many, args=(form,)) for form in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    for form, outputs in got.items():
        assert len(outputs) == ROUNDS
        assert [output for output in outputs if output != expected[form]] == []


def test_two_renders_at_once_leave_the_warning_filters_as_they_were(monkeypatch):
    """The second render starts while the first is inside the style's lock. Filters saved and
    restored around each render (warnings.catch_warnings) would be restored by the second to
    what it saw: the first one's "ignore everything", for the rest of the process."""
    first_inside, second_waits = threading.Event(), threading.Event()
    read, lock_of = citing.CiteProcJSON, citing.rendering

    def read_when_the_second_waits(items):
        if threading.current_thread().name == "first":
            first_inside.set()
            second_waits.wait(timeout=10)
        return read(items)

    def lock_announced(style):
        if threading.current_thread().name == "second":
            second_waits.set()
        return lock_of(style)

    monkeypatch.setattr(citing, "CiteProcJSON", read_when_the_second_waits)
    monkeypatch.setattr(citing, "rendering", lock_announced)
    before = list(warnings.filters)
    got = []

    def format_one(number: int) -> None:
        got.append(citing.bibliography([record(number)], "apa"))

    first = threading.Thread(target=format_one, args=(1,), name="first")
    second = threading.Thread(target=format_one, args=(2,), name="second")
    first.start()
    first_inside.wait(timeout=10)
    second.start()
    for thread in (first, second):
        thread.join(timeout=60)

    assert len(got) == 2
    assert warnings.filters == before


def test_a_variable_citeproc_py_does_not_read_is_logged_not_warned(caplog):
    cited = record(1)
    cited.fields["csl-event-title"] = "Annual Meeting of the Bone Society"  # not in citeproc-py
    with warnings.catch_warnings(record=True) as seen, caplog.at_level(logging.DEBUG):
        warnings.simplefilter("always")
        entries = citing.bibliography([cited], "apa")

    assert "Receptors in bone" in entries[0]
    assert [str(warning.message) for warning in seen] == []
    assert "unsupported: event_title" in caplog.text
