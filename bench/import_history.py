"""Benchmark: the history rows of an import, simple-history's `bulk_history_create` against
copying them inside the database with one `INSERT ... SELECT`, in one run.

Imports the 10,000 entries of bench/bibtex.py into PostgreSQL, alternating the two ways of
writing the history rows of the new references (`CopyWriter._history`: the importer copies
them in the database, the baseline; `LibraryHistoryWriter` here builds the instances and
calls the library), and prints for each the time of the history step
alone and of the whole import, with the ratio of the library to the baseline. The library
would be used if the whole import stayed within 1.3x; it does not (1.33x-1.67x measured).

Run: `make bench` (DJANGO_SETTINGS_MODULE=config.settings.test). The database is
`BENCH_DATABASE_URL`, default `el_bench` on DATABASE_URL's server, as for bench/bibtex.py,
emptied before each import.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bibtex import build, empty_tables, ensure_database, import_text  # noqa: E402
from citations.batches import batched  # noqa: E402
from citations.importing import applying, writers  # noqa: E402
from citations.importing.plans import BATCH  # noqa: E402
from citations.models import Reference  # noqa: E402

COUNT, RUNS = 10_000, 3
TARGET = 1.3


class LibraryHistoryWriter(writers.CopyWriter):
    """The history step with simple-history's `bulk_history_create`, a batch at a time,
    from instances of the rows the COPY wrote."""

    def _history(self, ids, items, now) -> None:
        for batch in batched(zip(ids, items, strict=True), BATCH):
            references = [
                Reference(pk=pk, citekey=item.citekey, created=now, updated=now, **item.values)
                for pk, item in batch
            ]
            for reference in references:
                reference._history_user = self.user  # as the request's user would be
            Reference.history.bulk_history_create(
                references, default_change_reason=writers.HISTORY_REASON, default_date=now
            )


def timed_history(writer: type[writers.CopyWriter], spent: list[float]) -> type:
    """`writer`, adding the time of each history step to `spent`."""

    class Timed(writer):
        def _history(self, ids, items, now) -> None:
            start = time.perf_counter()
            super()._history(ids, items, now)
            spent.append(time.perf_counter() - start)

    return Timed


def measure(writer: type[writers.CopyWriter], text: str) -> tuple[float, float]:
    """(history step, whole import) in seconds for one import of `text` with `writer`."""
    spent: list[float] = []
    applying.CopyWriter = timed_history(writer, spent)
    try:
        empty_tables()
        start = time.perf_counter()
        import_text(text)
        total = time.perf_counter() - start
    finally:
        applying.CopyWriter = writers.CopyWriter
    if Reference.history.count() != Reference.objects.count():
        raise RuntimeError("Each new reference needs one history row.")
    return sum(spent), total


def report(label: str, library: float, raw: float) -> None:
    print(
        f"{label:<40} bulk_history_create {library:7.3f} s  INSERT ... SELECT {raw:7.3f} s  "
        f"ratio {library / raw:5.2f}x"
    )


def main() -> None:
    ensure_database()
    text = build(COUNT)
    print(f"History rows of an import: {COUNT:,} entries; best of {RUNS} runs, alternating.")
    library, raw = [], []
    for _ in range(RUNS):
        raw.append(measure(writers.CopyWriter, text))
        library.append(measure(LibraryHistoryWriter, text))
    empty_tables()
    report("history step of the import", min(r[0] for r in library), min(r[0] for r in raw))
    whole_library, whole_raw = min(r[1] for r in library), min(r[1] for r in raw)
    report("whole import of 10k entries", whole_library, whole_raw)
    verdict = "the library would do" if whole_library / whole_raw <= TARGET else "raw SQL kept"
    print(f"{'':<40} target <= {TARGET}x for the whole import: {verdict}")


if __name__ == "__main__":
    main()
