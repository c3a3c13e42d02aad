"""Benchmark: grading a claim with rubric grade-1, against a baseline in the same process.

The baseline walks the same evidence once (the least any grader must do); the ratio says what
the rubric's several passes and its reasons cost on top. Run: make bench.
"""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence.grading import (  # noqa: E402 - after the path set-up above
    DESIGNS,
    ITEM_POPULATIONS,
    RISKS_OF_BIAS,
    STANCES,
    EvidenceFacts,
    grade,
)

CLAIMS, ITEMS = 5_000, 8


def random_claim(rng: random.Random) -> list[EvidenceFacts]:
    return [
        EvidenceFacts(
            stance=rng.choice(STANCES),
            design=rng.choice(DESIGNS),
            population=rng.choice(ITEM_POPULATIONS),
            sample_size=rng.choice([None, rng.randint(5, 800)]),
            ci_low=-1.0,
            ci_high=rng.uniform(-0.5, 2.0),
            risk_of_bias=rng.choice(RISKS_OF_BIAS),
            large_effect=rng.random() < 0.2,
            label=f"Author {rng.randint(1990, 2024)}",
        )
        for _ in range(ITEMS)
    ]


def baseline(claim_population: str, facts) -> int:
    return sum(1 for item in facts if item.stance != "asserts")


def timed(function, claims) -> float:
    start = time.perf_counter()
    for facts in claims:
        function("humans", facts)
    return time.perf_counter() - start


def main() -> None:
    rng = random.Random(2026)
    claims = [random_claim(rng) for _ in range(CLAIMS)]
    base, graded = timed(baseline, claims), timed(grade, claims)
    per_claim = graded / CLAIMS * 1e6
    print(f"grading: {CLAIMS} claims x {ITEMS} items, {per_claim:.1f} us per claim")
    print(f"grading: ratio to one pass over the evidence {graded / base:.1f}x")


if __name__ == "__main__":
    main()
