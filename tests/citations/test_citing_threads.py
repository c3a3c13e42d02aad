"""Formatted citations from two threads at once (gunicorn with GUNICORN_THREADS > 1): one
thread formats a style as HTML while another formats the same style as text. citeproc-py keeps
a render's formatter on the parsed style, which the process shares (citations.citing
`load_style`), so each render holds the style's lock. Pure, real threads."""

import sys
import threading

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
