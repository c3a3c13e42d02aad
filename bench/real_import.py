"""Benchmark: importing real BibTeX files against bibtexparser's bare parse, in one run.

The files are real third-party bibliographies, Debian's TeX Live .bib files that the tests
fetch (tests/citations/third_party.py): the seven of `FILES` (xampl, biblatex-examples and
Nelson Beebe's TUGboat, TeX books, journals, serif) and more of Beebe's bibliographies of
texlive-bibtex-extra, in name order, until there are at least 8,000 entries. Each file is
imported as a user would (`reference_import_bibtex`, invalid entries skipped) into empty
tables, so the whole pipeline is timed: decoding, splitting, LaTeX decoding, names, mapping,
duplicate look-ups, citekeys and the COPY writes with history rows, in one transaction. The
baseline is `bibtexparser.parse_string` of the same text (its default stack, which decodes
no LaTeX and writes nothing).

Rounds alternate the two, file by file, so load drift cancels; the ratio of each round is
the import's total time over the parse's, and the median of the rounds is reported with
the load average (issue 27: at most 1.5x). On a shared machine the wall-clock ratio swings
with the other processes, so each round also gives the CPU ratio: the CPU seconds of this
process plus those of its PostgreSQL backend (read from /proc: the server must run on this
machine) over bibtexparser's CPU seconds, split into the import's Python and database parts.

Run: `make bench` (DJANGO_SETTINGS_MODULE=config.settings.test), or with a round count:
`python bench/real_import.py 5`. The database is `BENCH_DATABASE_URL`, as for
bench/bibtex.py (`el_bench` on DATABASE_URL's server by default), emptied before each import.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bibtexparser  # noqa: E402, TID251 - the baseline measured against
from django.db import connection  # noqa: E402

from bench.bibtex import empty_tables, ensure_database  # noqa: E402 - sets Django up
from citations.services import reference_import_bibtex  # noqa: E402
from tests.citations.third_party import Unavailable, bib_files, package_bib_files  # noqa: E402

ENTRIES = 8_000
ROUNDS = 5
TARGET = 1.5
MORE_FROM = "texlive-bibtex-extra"  # Beebe's other bibliographies come from this package


def entry_count(text: str) -> int:
    return len(bibtexparser.parse_string(text).entries)


def real_files(wanted: int = ENTRIES) -> list[tuple[str, str]]:
    """(name, text) of the real files, at least `wanted` entries in all."""
    chosen = {name: path for name, path in bib_files().items()}
    texts = [(name, path.read_text(encoding="utf-8")) for name, path in chosen.items()]
    total = sum(entry_count(text) for _name, text in texts)
    for path in package_bib_files(MORE_FROM):
        if total >= wanted:
            break
        if "/beebe/" not in str(path) or path.name in chosen:
            continue
        text = path.read_text(encoding="utf-8")
        texts.append((path.name, text))
        total += entry_count(text)
    return texts


TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend (0 when /proc does not show it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(stat[11]) + int(stat[12])) / TICKS  # utime + stime


def timed(function) -> tuple[float, float, float]:
    """Wall seconds, this process's CPU seconds and its backend's, of `function()`."""
    wall, cpu, backend = time.perf_counter(), time.process_time(), backend_cpu()
    function()
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        backend_cpu() - backend,
    )


def import_file(text: str) -> None:
    outcome = reference_import_bibtex(data=text, skip_invalid=True)
    if not outcome.result.written:
        raise RuntimeError(f"Nothing imported: {outcome.plan.counts}")


def one_round(texts: list[tuple[str, str]]) -> dict[str, float]:
    """Seconds of every file's import and parse, alternating file by file: wall, and CPU
    (the parse's, the import's in Python and in its backend)."""
    spent = dict.fromkeys(("import", "parse", "parse_cpu", "python_cpu", "database_cpu"), 0.0)
    for _name, text in texts:
        wall, cpu, _backend = timed(lambda text=text: bibtexparser.parse_string(text))
        spent["parse"] += wall
        spent["parse_cpu"] += cpu
        empty_tables()
        wall, cpu, backend = timed(lambda text=text: import_file(text))
        spent["import"] += wall
        spent["python_cpu"] += cpu
        spent["database_cpu"] += backend
    return spent


def main(rounds: int = ROUNDS) -> None:
    ensure_database()
    try:
        texts = real_files()
    except Unavailable as exc:  # offline: `make bench` goes on with the other scripts
        print(f"Real BibTeX import: skipped, the Debian .bib files are unavailable ({exc})")
        return
    entries = sum(entry_count(text) for _name, text in texts)
    names = ", ".join(name for name, _text in texts)
    print(f"Real BibTeX import: {entries:,} entries in {len(texts)} files ({names})")
    one_round(texts[:2])  # warm up: imports, caches, the connection
    walls, cpus = [], []
    for number in range(1, rounds + 1):
        spent = one_round(texts)
        wall = spent["import"] / spent["parse"]
        python = spent["python_cpu"] / spent["parse_cpu"]
        database = spent["database_cpu"] / spent["parse_cpu"]
        walls.append(wall)
        cpus.append(python + database)
        print(
            f"  round {number}: import {spent['import']:6.2f} s, parse_string "
            f"{spent['parse']:6.2f} s, ratio {wall:4.2f}x; CPU ratio {python + database:4.2f}x "
            f"(Python {python:4.2f}x + database {database:4.2f}x)"
        )
    empty_tables()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    median = statistics.median(walls)
    verdict = "met" if median <= TARGET else "MISSED"
    print(
        f"  median ratio {median:.2f}x over {rounds} rounds (target <= {TARGET}x: {verdict}); "
        f"median CPU ratio {statistics.median(cpus):.2f}x; load average {load}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if sys.argv[1:] else ROUNDS)
