"""An import runs with Python's cyclic garbage collector paused (`importing.collector`), and
leaves it as it found it, whether the import writes, previews or fails."""

import gc

import pytest

from citations import services
from citations.importing import collector_paused
from citations.models import Reference

pytestmark = pytest.mark.django_db
BIB = "\n".join(
    f"@article{{a{n}, title = {{Bone {n}}}, author = {{Smith, Ann}}, year = 2020}}"
    for n in range(600)
)


def test_the_collector_is_paused_while_an_import_writes_and_runs_again_after():
    seen = []
    outcome = services.reference_import_bibtex(
        data=BIB, progress=lambda done, total: seen.append(gc.isenabled())
    )

    assert outcome.result.written
    assert Reference.objects.count() == 600
    assert seen
    assert not any(seen)
    assert gc.isenabled()


def test_a_failed_import_turns_the_collector_back_on_and_writes_nothing():
    def fail(done, total):
        assert not gc.isenabled()
        raise RuntimeError("the progress bar broke")

    with pytest.raises(RuntimeError, match="progress bar"):
        services.reference_import_bibtex(data=BIB, progress=fail)

    assert gc.isenabled()
    assert not Reference.objects.exists()


def test_a_caller_that_paused_the_collector_keeps_it_paused():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        services.reference_import_bibtex(data=BIB, dry_run=True)
        assert not gc.isenabled()
    finally:
        gc.enable()
