"""How `manage.py regrade` grows with the data: claims/s and memory at 1k, 10k, 100k claims.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/regrade.py [N ...]   # default 10000

For each size N (references; the data set has N/10 claims with 10 evidence items each) it
builds once, in its own PostgreSQL database `el_regrade_<N>`, bench/scale.py's data set
(`populate`), then, in one process per size:
- the baseline: grading one claim of the data set with the rubric alone (pure Python, its
  facts read once), repeated, in microseconds per claim;
- `claims_regrade` of every claim twice: first with every stored grade reset to the data
  set's arbitrary ones (every claim changes: an UPDATE and a history row each), then again
  (nothing changes: reads and grading only).
Each line gives claims/s, the time per claim as a ratio to the baseline (ratios compare across
machines; absolute times do not) and the growth of the process's peak resident memory during
the run. The last line is issue 15's headline: seconds to regrade all claims (target for 100k
claims: under 120 s).
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_DEBUG", "0")  # debug keeps every query in memory
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)

from bench.scale import populate  # noqa: E402 - after the path and settings above
from bench.support.server import create_database  # noqa: E402

BASELINE_S = 2.0


def ensure_database(n: int) -> None:
    os.environ["DATABASE_URL"] = create_database(f"el_regrade_{n}")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def reset_grades() -> None:
    """Every claim back to the data set's arbitrary grade and no history: all will change."""
    from django.db import connection

    from claims.models import Claim

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Claim._meta.db_table} SET grade_reasons = '[]', grade_rubric = '',"
            " graded_at = NULL, grade_level = (ARRAY['very_low','low','moderate','high'])"
            "[1 + id % 4], grade_direction ="
            " (ARRAY['supported','contradicted','contested'])[1 + id % 3]"
        )
        cursor.execute(f"TRUNCATE {Claim.history.model._meta.db_table}")
        cursor.execute("VACUUM ANALYZE")


def baseline_us() -> float:
    """Microseconds to grade one claim with the rubric alone, its facts already read."""
    from claims.models import Claim
    from evidence.facts import claim_values, current_rubric, evidence_values_by_claim, grade_values
    from evidence.models import Evidence

    claim = Claim.objects.order_by("pk").first()
    facts, rubric = claim_values(claim), current_rubric()
    items = evidence_values_by_claim(Evidence.objects.filter(claim=claim))
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < BASELINE_S:
        grade_values(facts, items[claim.pk], rubric)
        count += 1
    return (time.perf_counter() - start) / count * 1e6


def measure(label: str, base_us: float) -> float:
    from claims.models import Claim
    from evidence.services import claims_regrade

    before, start = peak_mb(), time.perf_counter()
    seen, changed = claims_regrade()
    seconds = time.perf_counter() - start
    if seen != Claim.objects.count():
        raise SystemExit(f"regrade saw {seen} claims, not all")
    per_claim_us = seconds / seen * 1e6
    print(
        f"  {label:24} {seen / seconds:9,.0f} claims/s {per_claim_us / base_us:7.1f}x"
        f"  {seconds:7.1f} s  {changed:>7,} changed  peak RSS +{peak_mb() - before:.0f} MB"
    )
    return seconds


def run(n: int) -> None:
    ensure_database(n)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    from citations.models import Reference
    from claims.models import Claim

    if Reference.objects.count() != n:
        call_command("flush", "--noinput", verbosity=0)
        start = time.perf_counter()
        populate(n)
        print(f"{n:,} references: data set built in {time.perf_counter() - start:.1f} s")
    claims = Claim.objects.count()
    reset_grades()
    base = baseline_us()
    print(f"{n:,} references, {claims:,} claims (peak RSS {peak_mb():.0f} MB before regrading):")
    print(f"  {'baseline: rubric alone':24} {1e6 / base:9,.0f} claims/s     1.0x")
    seconds = measure("regrade, all change", base)
    measure("regrade, none change", base)
    print(f"  headline: regrade of {claims:,} claims in {seconds:.1f} s (all change)")


if __name__ == "__main__":
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000]
    if len(sizes) > 1:  # one process per size: Django's settings name one database
        import subprocess

        for size in sizes:
            subprocess.run([sys.executable, __file__, str(size)], check=True)
    else:
        run(sizes[0])
