"""SQLite search (`make run`): the FTS5 index against the `words_match` fallback it replaces.

    python bench/sqlite_search.py [N ...]   # default 10000 100000

Builds N references in a temporary SQLite file (migrated, so the FTS5 table and its triggers
are there; rows added with bulk inserts, the triggers indexing them as they land), titles as
bench/scale.py builds them: "progesterone" in every 20th (5 %, a common word), "zyxomab" in
every 1,000th (0.1 %, a rare word), plus an abstract of 30 words from the same list. Sizes
grow one file: the 100k run adds rows to the 10k one. For each word it prints the median time
in ms of what the reference API does with a search (the first page of 20 and the count), by
FTS5 (ranked by bm25) and by the fallback (LIKE over the four searched columns, citekey
order), and their ratio. Settings are forced to SQLite whatever DJANGO_SETTINGS_MODULE says.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DIRECTORY = tempfile.TemporaryDirectory(prefix="el-sqlite-search-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
os.environ["DATABASE_URL"] = f"sqlite:///{DIRECTORY.name}/bench.sqlite3"
os.environ["DJANGO_DEBUG"] = "0"  # debug keeps every query in memory
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)

from bench.scale import COMMON, RARE, WORDS  # noqa: E402

REPEATS = 7
PAGE = 20


def reference(number: int):
    from citations.models import Reference

    title = f"Study {number} of {WORDS[(number * 7) % len(WORDS)]} and "
    title += WORDS[(number * 13) % len(WORDS)]
    title += f" {COMMON}" * (number % 20 == 0) + f" {RARE}" * (number % 1000 == 0)
    abstract = " ".join(WORDS[(number * k) % len(WORDS)] for k in range(3, 33))
    return Reference(
        citekey=f"ref{number}", entry_type="article", title=title, abstract=abstract, year=2000
    )


def grow(start: int, stop: int) -> None:
    from citations.models import Reference

    for first in range(start, stop, 5000):
        batch = [reference(number) for number in range(first, min(first + 5000, stop))]
        Reference.objects.bulk_create(batch, batch_size=500)


def median_ms(read) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def page_and_count(queryset):
    return lambda: (list(queryset[:PAGE]), queryset.count())


def measure(word: str) -> tuple[float, float]:
    from citations.models import Reference
    from citations.search import SEARCH_WEIGHTS, words_match

    fields = tuple(SEARCH_WEIGHTS["citations_reference"])
    fallback = Reference.objects.filter(words_match(word, fields)).order_by("citekey")
    fts5 = Reference.objects.search(word)
    if fts5.count() != fallback.count():
        raise SystemExit(f"FTS5 and the fallback disagree on {word!r}")
    return median_ms(page_and_count(fts5)), median_ms(page_and_count(fallback))


def main(sizes: list[int]) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from citations.search import sqlite_has_fts5

    if not sqlite_has_fts5():
        raise SystemExit("This SQLite has no FTS5: nothing to compare.")
    print("references  word            FTS5 ms  fallback ms  fallback/FTS5")
    built = 1
    for size in sorted(sizes):
        started = time.perf_counter()
        grow(built, size + 1)
        built = size + 1
        print(f"# {size} references built in {time.perf_counter() - started:.1f} s")
        for word in (COMMON, RARE):
            fts5, fallback = measure(word)
            print(
                f"{size:>10}  {word:<14} {fts5:>8.1f}  {fallback:>11.1f}  {fallback / fts5:>13.1f}"
            )


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [10_000, 100_000])
