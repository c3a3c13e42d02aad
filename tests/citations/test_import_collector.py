"""An import runs with Python's cyclic collector paused (citations.importing.collector) and
leaves it as it found it, also when the import fails."""

import gc

import pytest

from citations.importing.collector import collection_paused
from citations.services import reference_import_bibtex

pytestmark = pytest.mark.django_db

ENTRIES = "@article{a1, title={One}, year=2001}\n@article{a2, title={Two}, year=2002}\n"


@pytest.fixture
def collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_while_importing_and_running_after(collector_enabled):
    seen = []
    outcome = reference_import_bibtex(
        data=ENTRIES, progress=lambda done, total: seen.append(gc.isenabled())
    )

    assert outcome.result.created == 2
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_a_paused_collector_stays_paused(collector_enabled):
    gc.disable()
    reference_import_bibtex(data=ENTRIES)
    assert not gc.isenabled()


def fail_while_paused(seen: list[bool]) -> None:
    with collection_paused():
        seen.append(gc.isenabled())
        raise RuntimeError("the import failed")


def test_the_collector_runs_again_after_an_error(collector_enabled):
    seen = []
    with pytest.raises(RuntimeError):
        fail_while_paused(seen)
    assert seen == [False]
    assert gc.isenabled()


def test_nested_pauses_end_with_the_outer_one(collector_enabled):
    with collection_paused():
        with collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
