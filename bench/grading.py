"""Benchmark: rubrics grade-2 and grade-3 against grade-1 in the same process, and regrade
throughput.

1. Pure grading: the same random claims (8 evidence items each) graded by grade-1, by
   grade-2 (reasons and evidence profile) and by grade-3 (its items carry its new fields
   too), both as stored (level, direction, reasons: `grade(..., profile=False)`, what
   `regrade` needs and what grade-1 computes) and with the evidence profile a page shows;
   prints microseconds per claim and the ratios to grade-1, a met/MISSED line per target (at
   most 3x grade-1, issue 20), plus the ratio to one pass over the evidence.
2. `manage.py regrade`'s service over N claims of 3 evidence items on PostgreSQL (its own
   database, BENCH_GRADING_DATABASE, default el_bench_grading): claims per second and the
   process's peak memory, which stays flat because regrading streams in batches.
   N is 100,000 with BENCH_FULL=1, else 2,000 (BENCH_CLAIMS overrides both).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/grading.py [pure]

`pure` runs part 1 only (no database).
"""

import os
import random
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.server import create_database, database_url, migrate  # noqa: E402 - after the path set-up above
from evidence.rubrics import grade1, grade2, grade3  # noqa: E402

CLAIMS, ITEMS, ROUNDS = 2_000, 8, 5
REGRADE_CLAIMS = int(
    os.environ.get("BENCH_CLAIMS", 100_000 if os.environ.get("BENCH_FULL") == "1" else 2_000)
)
REGRADE_ITEMS, REFERENCES = 3, 1_000
BENCH_DB = os.environ.get("BENCH_GRADING_DATABASE", "el_bench_grading")
TARGET = 3  # issue 20: grading stays within 3x grade-1 per claim
GRADE1_STANCES = {"no_effect": "contradicts", "mentions": "asserts"}


def random_item(rng: random.Random) -> grade2.ItemFacts:
    low = rng.uniform(0.2, 1.5)
    return grade2.ItemFacts(
        label=f"Author {rng.randint(1990, 2024)}",
        citekey=f"ref{rng.randint(0, 12)}",
        year=rng.choice([None, rng.randint(1990, 2024)]),
        stance=rng.choice(grade2.STANCES),
        design=rng.choice(grade2.DESIGNS),
        population=rng.choice(grade2.ITEM_POPULATIONS),
        sample_size=rng.choice([None, rng.randint(5, 800)]),
        effect_measure="ratio",
        effect_value=low * 1.3,
        ci_low=low,
        ci_high=low * rng.uniform(1.4, 3.0),
        risk_of_bias=rng.choice(grade2.RISKS_OF_BIAS),
        via=rng.choice(grade2.VIAS),
        covers=tuple(f"ref{rng.randint(0, 12)}" for _ in range(rng.choice([0, 0, 2]))),
        outcome_match=rng.choice(grade2.MATCHES),
        i_squared=rng.choice([None, 20, 60, 85]),
        record=rng.choice(grade2.RECORDS),
    )


def as_grade1(item: grade2.ItemFacts) -> grade1.EvidenceFacts:
    """The grade-2 item as grade-1 reads an evidence item: its stances and risks of bias, on
    the ratio scale, no large effect."""
    grade1_view = {
        **vars(item),
        "stance": GRADE1_STANCES.get(item.stance, item.stance),
        "null_value": 1.0,
        "risk_of_bias": "high" if item.risk_of_bias == "critical" else item.risk_of_bias,
        "large_effect": False,
    }
    return grade1.EvidenceFacts.from_evidence(SimpleNamespace(**grade1_view))


def as_grade3(item: grade2.ItemFacts, rng: random.Random) -> grade3.ItemFacts:
    """The grade-2 item with grade-3's new fields drawn at random."""
    return grade3.ItemFacts(
        **vars(item),
        ci_source=rng.choice(grade3.CI_SOURCES),
        rob_tool=rng.choice(("", "RoB 2", "SYRCLE")),
        comparison=rng.choice(("", "", "A vs B")),
        randomised=rng.choice(grade3.RANDOMISED),
    )


def grade3_stored(claim, items) -> grade3.Grade:
    """What `regrade` stores: level, direction, provisional and reasons, no page profile."""
    return grade3.grade(claim, items, profile=False)


def baseline(claim, facts) -> int:
    return sum(1 for item in facts if item.stance != "asserts")


def best_of(rounds: int, *timings) -> list[float]:
    """Seconds each (function, claim, cases) takes: every case is timed by every function in
    turn, `rounds` times, and its fastest time counts (as timeit does), so a burst of other
    work on the machine hits all rubrics alike and leaves the ratios alone."""
    perf = time.perf_counter
    cases = len(timings[0][2])
    best = [[float("inf")] * cases for _ in timings]
    for _ in range(rounds):
        for case in range(cases):
            for index, (function, claim, facts) in enumerate(timings):
                start = perf()
                function(claim, facts[case])
                elapsed = perf() - start
                if elapsed < best[index][case]:
                    best[index][case] = elapsed
    return [sum(times) for times in best]


def bench_pure() -> None:
    rng = random.Random(2026)
    cases2 = [[random_item(rng) for _ in range(ITEMS)] for _ in range(CLAIMS)]
    cases1 = [[as_grade1(item) for item in case] for case in cases2]
    cases3 = [[as_grade3(item, rng) for item in case] for case in cases2]
    claim2 = grade2.ClaimFacts("humans")
    claim3 = grade3.ClaimFacts("humans", mid=1.25, mid_scale="ratio", claimed_direction="decrease")
    base, first, second, third, stored = best_of(
        ROUNDS,
        (baseline, "humans", cases1),
        (grade1.grade, "humans", cases1),
        (grade2.grade, claim2, cases2),
        (grade3.grade, claim3, cases3),
        (grade3_stored, claim3, cases3),
    )
    print(f"grading: {CLAIMS} claims x {ITEMS} items, best of {ROUNDS} rounds")
    print(f"grading: grade-1 {first / CLAIMS * 1e6:.1f} us per claim")
    print(f"grading: grade-2 {second / CLAIMS * 1e6:.1f} us per claim (with its profile)")
    print(f"grading: grade-3 {stored / CLAIMS * 1e6:.1f} us per claim (as stored: reasons)")
    print(f"grading: grade-3 {third / CLAIMS * 1e6:.1f} us per claim (with its profile)")
    print(f"grading: grade-2 / grade-1 ratio {second / first:.2f}x with its profile")
    print(f"grading: grade-3 / grade-1 ratio {stored / first:.2f}x as stored")
    print(f"grading: grade-3 / grade-1 ratio {third / first:.2f}x with its profile")
    for name, seconds in (
        ("grade-2 with its profile", second),
        ("grade-3 as stored", stored),
        ("grade-3 with its profile", third),
    ):
        verdict = "met" if seconds <= TARGET * first else "MISSED"
        print(f"grading: target <= {TARGET:g}x grade-1, {name}: {verdict}")
    print(f"grading: grade-2 ratio to one pass over the evidence {second / base:.1f}x")
    print(f"grading: grade-3 ratio to one pass over the evidence {third / base:.1f}x")


def ensure_database() -> None:
    create_database(BENCH_DB)
    migrate()


def populate() -> None:
    from citations.models import Reference
    from claims.models import Claim
    from evidence.models import Evidence

    if Claim.objects.count() == REGRADE_CLAIMS:
        return
    Evidence.objects.all().delete()
    Claim.objects.all().delete()
    Reference.objects.all().delete()
    rng = random.Random(7)
    references = Reference.objects.bulk_create(
        Reference(citekey=f"bench{n}", title=f"Study {n}", year=1990 + n % 35)
        for n in range(REFERENCES)
    )
    designs = [d for d in grade2.DESIGNS if d not in grade2.SECONDARY_DESIGNS]
    batch = 5_000
    for start in range(0, REGRADE_CLAIMS, batch):
        claims = Claim.objects.bulk_create(
            Claim(statement=f"Claim {n}.", slug=f"bench-claim-{n}")
            for n in range(start, min(start + batch, REGRADE_CLAIMS))
        )
        Evidence.objects.bulk_create(
            Evidence(
                claim=claim,
                reference=references[(claim.pk * 7 + k) % REFERENCES],
                outcome=f"outcome {k}",
                stance=rng.choice(["supports", "supports", "contradicts", "no_effect"]),
                design=rng.choice(designs),
                population=rng.choice(grade2.ITEM_POPULATIONS),
                sample_size=rng.choice([None, rng.randint(10, 2000)]),
                risk_of_bias=rng.choice(grade2.RISKS_OF_BIAS),
            )
            for claim in claims
            for k in range(REGRADE_ITEMS)
        )


def bench_regrade() -> None:
    os.environ["DATABASE_URL"] = database_url(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    ensure_database()
    import django

    django.setup()
    from django.conf import settings

    from claims.models import Claim
    from evidence.facts import current_rubric
    from evidence.services import claims_regrade

    settings.DEBUG = False  # as in production: no log of every query kept in memory

    populate()
    Claim.objects.update(grade_level="", grade_direction="", grade_rubric="")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    seen, changed = claims_regrade()
    elapsed = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"regrade: {seen} claims x {REGRADE_ITEMS} items, {changed} changed, {elapsed:.1f} s")
    print(f"regrade: {seen / elapsed:.0f} claims/s ({current_rubric()}, history rows included)")
    print(f"regrade: peak memory {rss_after / 1024:.0f} MiB ({rss_before / 1024:.0f} MiB before)")


if __name__ == "__main__":
    bench_pure()
    if sys.argv[1:] != ["pure"]:
        bench_regrade()
