"""Benchmark: BibTeX import and export against bibtexparser, on the same file, in one run.

Builds files of 10,000 and 50,000 entries by replicating realistic entries (Zotero, JabRef
with @string, BibLaTeX, LaTeX accents, math, acronyms) with unique keys, DOIs and titles,
then prints each measurement next to bibtexparser's and their ratio:
- import of 10,000 entries into PostgreSQL (LaTeX decoded, names split) vs
  `bibtexparser.parse_string` (its default stack, no LaTeX decoding): target <= 2x;
- export of those references from PostgreSQL vs `bibtexparser.write_string`: target <= 0.5x;
- peak memory (resident set, measured in a child process) of importing 50,000 entries vs
  bibtexparser parsing the file: target <= 0.5x; export of 50,000 vs 10,000: flat;
- one entry with a 5 MB field: import under 5 s.

Run: `make bench` (DJANGO_SETTINGS_MODULE=config.settings.test). The database is
`BENCH_DATABASE_URL`, default `el_bench` on DATABASE_URL's server (never DATABASE_URL's own
database), created and migrated here and emptied before each measurement.
"""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support.server import database_url  # noqa: E402 - after the path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# Its own database, always: the benchmark empties the citation tables of the database it uses.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", database_url("el_bench"))
# Debug off, as in production: Django would otherwise keep every query in memory.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")

import bibtexparser  # noqa: E402
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from citations.exports import bibtex_stream  # noqa: E402
from citations.services import reference_import_bibtex  # noqa: E402

STRINGS = (
    '@string{nejm = "New England Journal of Medicine"}\n@string{jbmr = {J. Bone Miner. Res.}}\n\n'
)
TEMPLATES = [
    r"""@article{prior@I@spinal,
  title = {Spinal bone loss and ovulatory disturbances, cohort @I@},
  author = {Prior, Jerilynn C. and Vigna, Yvette M. and Schechter, Martin T. and Burgess, Arthur E.},
  journal = nejm,
  volume = {323},
  number = {18},
  pages = {1221--1227},
  year = {1990},
  doi = {10.1056/NEJM199011013231801.@I@},
  pmid = {@J@},
  abstract = {Ovulatory disturbances in premenopausal women were associated with spinal bone loss; M{\"u}ller \& Garc{\'\i}a replicated a 4\% loss per year.},
  keywords = {bone density, progesterone, ovulation},
}
""",
    r"""@inproceedings{vanderberg@I@dna,
  author = {van der Berg, Hans and M{\"u}ller, J{\"o}rg and {World Health Organization}},
  title = {The {DNA} of {Bayesian} inference in $\alpha$-helix studies, part @I@},
  booktitle = {Proceedings of the {IEEE} Conference on Bone Biology},
  year = 2015,
  month = jun,
  pages = {12--19},
  publisher = {IEEE},
  address = {New York},
  url = {https://example.org/papers/@I@},
}
""",
    r"""@book{seifert@I@progesterone,
  editor = {Seifert-Klauss, Vanadin and Prior, Jerilynn C.},
  title = {Progesterone and bone: a handbook, volume @I@},
  publisher = {Springer},
  address = {Berlin},
  year = {2010},
  edition = {2},
  isbn = {978-3-16-148410-0},
  note = {Translated from the German by {\O}stergaard, S{\o}ren},
}
""",
    r"""@online{who@I@guideline,
  author = {{World Health Organization}},
  title = {Guideline on calcium supplementation in pregnant women, annex @I@},
  date = {2013-05-01},
  urldate = {2024-01-15},
  url = {https://www.who.int/publications/i/item/@I@},
  langid = {english},
}
""",
    r"""@article{gallagher@I@estrogen,
  author = "Gallagher, J. Christopher and Kable, William T. and Goldgar, David",
  title = "Effect of progestin therapy on cortical and trabecular bone: comparison with estrogen, trial " # "@I@",
  journal = jbmr,
  year = 1991,
  volume = 90,
  pages = "171--178",
  pmid = "@J@",
}
""",
]


def build(count: int) -> str:
    parts = [STRINGS]
    for i in range(count):
        template = TEMPLATES[i % len(TEMPLATES)]
        parts.append(template.replace("@I@", str(i)).replace("@J@", str(10_000_000 + i)))
    return "".join(parts)


def big_field_file(size: int = 5_000_000) -> str:
    sentence = r"Bone mineral density fell by 4\% in the {DNA} arm of M{\"u}ller's trial; "
    abstract = (sentence * (size // len(sentence) + 1))[:size]
    return f"@article{{big2020,\n  title = {{A very long abstract}},\n  year = 2020,\n  abstract = {{{abstract}}},\n}}\n"


def ensure_database() -> None:
    name = connection.settings_dict["NAME"]
    try:
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 - the database does not exist yet
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def empty_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE citations_contributor, citations_person, citations_reference, "
            "citations_historicalreference RESTART IDENTITY CASCADE"
        )


def settle() -> None:
    """VACUUM ANALYZE the loaded tables, as autovacuum soon would: export is then measured on
    a settled database, not while autovacuum competes for the CPU."""
    with connection.cursor() as cursor:
        for table in ("citations_reference", "citations_contributor", "citations_person"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def best_of(runs: int, function, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        times.append(timed(function)[0])
    return min(times)


def import_text(text: str) -> None:
    outcome = reference_import_bibtex(data=text)
    if not (outcome.ok and outcome.result.created):
        raise RuntimeError(f"The benchmark file did not import: {outcome.plan.counts}")


def export_all() -> int:
    sink = io.StringIO()
    sink.writelines(bibtex_stream())
    return len(sink.getvalue())


def report(label: str, ours: float, theirs: float, target: str, unit: str = "s") -> None:
    print(
        f"{label:<52} ours {ours:8.3f} {unit}  bibtexparser {theirs:8.3f} {unit}  "
        f"ratio {ours / theirs:5.2f}x  (target {target})"
    )


# --- memory, each measured in a fresh child process -------------------------------------


def status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak() -> None:
    """Make the peak resident size (VmHWM) start again from the current size."""
    Path("/proc/self/clear_refs").write_text("5")


def child(task: str, count: int) -> None:
    """Peak resident memory of one task, above what the process held before it."""
    text = build(count) if task != "export" else ""
    connection.ensure_connection()
    reset_peak()
    before = status_kb("VmRSS")
    if task == "parse":
        bibtexparser.parse_string(text)
    elif task == "import":
        import_text(text)
    elif task == "export":
        sink_bytes = 0
        for chunk in bibtex_stream():
            sink_bytes += len(chunk)
    print(json.dumps({"peak_kb": status_kb("VmHWM") - before}))


def peak_kb(task: str, count: int) -> int:
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(count)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["peak_kb"]


def main() -> None:
    ensure_database()
    text = build(10_000)
    print(f"BibTeX benchmark: 10,000 entries ({len(text) / 1e6:.1f} MB); best of 5 runs.")
    theirs_parse = best_of(5, lambda: bibtexparser.parse_string(text))
    ours_import = best_of(5, lambda: import_text(text), before=empty_tables)
    report("import 10k into PostgreSQL vs parse_string", ours_import, theirs_parse, "<= 2x")

    settle()
    library = bibtexparser.parse_string(text)
    theirs_write = best_of(5, lambda: bibtexparser.write_string(library))
    ours_export = best_of(5, export_all)
    report("export 10k from PostgreSQL vs write_string", ours_export, theirs_write, "<= 0.5x")

    export_10k = peak_kb("export", 10_000) / 1024
    theirs_memory = peak_kb("parse", 50_000) / 1024
    empty_tables()
    ours_memory = peak_kb("import", 50_000) / 1024
    report("peak memory, import 50k vs parse_string", ours_memory, theirs_memory, "<= 0.5x", "MB")
    export_50k = peak_kb("export", 50_000) / 1024
    print(
        f"{'peak memory, export 50k vs export 10k (flat)':<52} 50k {export_50k:8.1f} MB  "
        f"10k {export_10k:8.1f} MB"
    )

    empty_tables()
    big = big_field_file()
    seconds = timed(lambda: import_text(big))[0]
    print(f"{'import one entry with a 5 MB field':<52} {seconds:8.3f} s  (target < 5 s)")
    empty_tables()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
